import type { CollectContext, CollectResult, ErrorCode } from '../types.js';
import { errorCodeOf } from '../errors.js';
import { inventoryScript, powershellArgs } from './inventory-script.js';
import { asRecord, str } from './ps-json.js';
import { memo } from './memo.js';
import { windowsTool } from '../programs.js';

export const inventorySections = [
  'console', 'host', 'processes', 'software', 'network', 'netstat', 'wlan', 'pnp', 'displays', 'locale', 'sessions', 'remoteLogons',
] as const;
export type SectionName = (typeof inventorySections)[number];

/** One section of the document: its data, or why it has none. */
export type Section = { ok: true; data: unknown } | { ok: false; code: ErrorCode; message: string };

export interface Inventory {
  psVersion?: string;
  section(name: SectionName): Section;
}

/** How a whole inventory run failed (PowerShell missing, killed, printed garbage): every domain reports this. */
export interface InventoryFailure { failed: true; code: ErrorCode; message: string }

/** Windows PowerShell 5.1 (on every supported Windows) under %SystemRoot%, never found through PATH. */
export function powershellPath(env: Record<string, string | undefined>): string {
  return windowsTool('WindowsPowerShell\\v1.0\\powershell.exe', env);
}
/** Where it is on a default install: C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe. */
export const powershell = powershellPath({});
/** A slow laptop's first CIM queries take seconds; the cycle's per-collector timeout still bounds the wait. */
const timeoutMs = 60_000;

/** Pure: the document PowerShell printed → its sections. Truncated or non-JSON output is a parse error, not a throw. */
export function parseInventory(stdout: string): Inventory | InventoryFailure {
  const text = stdout.replace(/^\uFEFF/, '').trim();
  if (text === '') return { failed: true, code: 'parse-error', message: 'PowerShell inventory printed nothing' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const tail = text.length > 60 ? `…${text.slice(-60)}` : text;
    return { failed: true, code: 'parse-error', message: `PowerShell inventory is not JSON (${(err as Error).message}; ${text.length} chars, ending "${tail}")` };
  }
  const root = asRecord(doc);
  if (!root) return { failed: true, code: 'parse-error', message: 'PowerShell inventory is not a JSON object' };
  const psVersion = str(root.psVersion);
  return {
    ...(psVersion ? { psVersion } : {}),
    section(name) {
      const s = asRecord(root[name]);
      if (!s) return { ok: false, code: 'parse-error', message: `inventory has no "${name}" section` };
      const error = str(s.error);
      if (error !== undefined) {
        const code: ErrorCode = /command-missing|not recognized|not installed/i.test(error)
          ? 'command-missing'
          : /access (is )?denied|0x80041003/i.test(error) ? 'permission-denied' : 'failed';
        return { ok: false, code, message: `inventory section ${name}: ${error}` };
      }
      return { ok: true, data: s.data ?? null };
    },
  };
}

/** Runs the inventory script once: one powershell.exe, script on stdin. */
export async function runInventory(ctx: CollectContext): Promise<Inventory | InventoryFailure> {
  const program = powershellPath(ctx.env);
  let stdout: string;
  try {
    stdout = await ctx.exec(program, powershellArgs, { input: inventoryScript, timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const code = errorCodeOf(err);
    const message = err instanceof Error ? err.message : String(err);
    return { failed: true, code, message: `${program} inventory: ${message}` };
  }
  return parseInventory(stdout);
}

/** The cycle's inventory: the first Windows collector to ask starts PowerShell, the others wait for the same run. */
export function cycleInventory(ctx: CollectContext): Promise<Inventory | InventoryFailure> {
  return memo(ctx, 'powershell-inventory', () => runInventory(ctx));
}

/** The data of one section, or the error result a collector returns. */
export async function sectionData(ctx: CollectContext, name: SectionName): Promise<{ data: unknown } | CollectResult<never>> {
  const inv = await cycleInventory(ctx);
  if ('failed' in inv) return { status: 'error', code: inv.code, message: inv.message };
  const s = inv.section(name);
  return s.ok ? { data: s.data } : { status: 'error', code: s.code, message: s.message };
}
