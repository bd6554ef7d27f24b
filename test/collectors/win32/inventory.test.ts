import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { activity } from '../../../collectors/activity/index.js';
import { collectSnapshot } from '../../../collectors/run.js';
import { snapshotSchema } from '../../../schema/snapshot/index.js';
import type { Collector } from '../../../collectors/types.js';
import { inventoryScript, powershellArgs } from '../../../collectors/win32/inventory-script.js';
import { parseInventory, powershell, runInventory } from '../../../collectors/win32/inventory.js';
import { collectors } from '../../../collectors/index.js';
import { fakeContext, fixture, type FakeOs } from '../../helpers/fake-context.js';

const inventory = fixture('win32', 'inventory-laptop-ipkvm.json');
const sources = {
  host: () => import('../../../collectors/host/win32.js'),
  processes: () => import('../../../collectors/processes/win32.js'),
  software: () => import('../../../collectors/software/win32.js'),
  network: () => import('../../../collectors/network/win32.js'),
  usb: () => import('../../../collectors/usb/win32.js'),
  inputs: () => import('../../../collectors/inputs/win32.js'),
  displays: () => import('../../../collectors/displays/win32.js'),
  locale: () => import('../../../collectors/locale/win32.js'),
  sessions: () => import('../../../collectors/sessions/win32.js'),
  activity: () => import('../../../collectors/activity/win32.js'),
  remoteSessions: () => import('../../../collectors/remoteSessions/win32.js'),
};

/** The real collector list with each collector's win32 source in place of this platform's. */
async function windowsCollectors(): Promise<Collector<unknown>[]> {
  return Promise.all(
    collectors.map(async (c) => {
      const src = await sources[c.name as keyof typeof sources]();
      return { ...(c as Collector<unknown>), collect: src.collect as Collector<unknown>['collect'] };
    }),
  );
}

async function windowsCycle(commands: NonNullable<FakeOs['commands']>) {
  const contexts: ReturnType<typeof fakeContext>[] = [];
  const snapshot = await collectSnapshot(await windowsCollectors(), {
    agentVersion: 'test', log: pino({ level: 'silent' }), options: { probeAnchors: [], redactCommandLines: false },
    makeContext: (_signal, _log, cycle) => {
      const ctx = fakeContext({ commands, cycle });
      contexts.push(ctx);
      return ctx;
    },
  });
  return { snapshot, calls: contexts.flatMap((c) => c.execCalls) };
}

describe('the PowerShell inventory script', () => {
  it('is ASCII, one block with no blank line inside, submitted by one trailing blank line', () => {
    expect(/^[\x09\x0a\x0d\x20-\x7e]*$/.test(inventoryScript)).toBe(true);
    expect(inventoryScript.endsWith('}\n\n')).toBe(true);
    expect(inventoryScript.trimEnd().split('\n').some((l) => l.trim() === '')).toBe(false);
    expect(inventoryScript.startsWith('& {\n')).toBe(true);
  });

  it('the pnp section reads HardwareID, ClassGuid and Service, and every PnP filter is by ClassGuid (no PNPClass before Windows 10)', () => {
    const pnp = inventoryScript.slice(inventoryScript.indexOf("Add-Section 'pnp'"), inventoryScript.indexOf('$usbIds'));
    expect(pnp).toMatch(/hardwareIds = @\(\$_\.HardwareID\)/);
    expect(pnp).toMatch(/compatibleIds = @\(\$_\.CompatibleID\)/);
    expect(pnp).toMatch(/classGuid = \$_\.ClassGuid/);
    expect(pnp).toMatch(/service = \$_\.Service/);
    expect(pnp).toMatch(/ClassGuid='\{4d36e96b-e325-11ce-bfc1-08002be10318\}' OR ClassGuid='\{4d36e96f-e325-11ce-bfc1-08002be10318\}'/);
    expect(inventoryScript).not.toMatch(/PNPClass=/);
    expect(inventoryScript).toMatch(/Win32_PnPEntity -Filter "ClassGuid='\{4d36e968-e325-11ce-bfc1-08002be10318\}'"/);
  });

  it('runs as powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command - with the script on stdin', async () => {
    let input: string | undefined;
    const ctx = fakeContext({ commands: { [powershell]: (_args, opts) => ((input = opts.input), inventory) } });
    const inv = await runInventory(ctx);
    expect('failed' in inv).toBe(false);
    expect(ctx.execCalls).toEqual([[powershell, ...powershellArgs]]);
    expect(powershellArgs).not.toContain('-EncodedCommand');
    expect(input).toBe(inventoryScript);
  });
});

describe('parseInventory', () => {
  it('reads sections and maps a section error to its code', () => {
    const doc = JSON.parse(inventory);
    doc.sessions = { error: "The term 'quser.exe' is not recognized as the name of a cmdlet", ms: 3 };
    doc.displays = { error: 'Access denied ', ms: 3 };
    const inv = parseInventory(JSON.stringify(doc));
    if ('failed' in inv) throw new Error(inv.message);
    expect(inv.psVersion).toBe('5.1.22621.4391');
    expect(inv.section('host').ok).toBe(true);
    expect(inv.section('sessions')).toMatchObject({ ok: false, code: 'command-missing' });
    expect(inv.section('displays')).toMatchObject({ ok: false, code: 'permission-denied' });
    delete doc.pnp;
    const noPnp = parseInventory(JSON.stringify(doc));
    if ('failed' in noPnp) throw new Error(noPnp.message);
    expect(noPnp.section('pnp')).toMatchObject({ ok: false, code: 'parse-error' });
  });

  it('turns truncated or empty output into a parse error, never a throw', () => {
    expect(parseInventory(inventory.slice(0, 5000))).toMatchObject({ failed: true, code: 'parse-error' });
    expect(parseInventory('')).toMatchObject({ failed: true, code: 'parse-error' });
    expect(parseInventory('[1,2]')).toMatchObject({ failed: true, code: 'parse-error' });
    expect(parseInventory(`\uFEFF${inventory}\r\n`)).not.toHaveProperty('failed');
  });
});

describe('a whole Windows cycle', () => {
  it('starts PowerShell once for all eleven collectors, and every domain validates', async () => {
    const { snapshot, calls } = await windowsCycle({ [powershell]: inventory });
    expect(calls).toEqual([[powershell, ...powershellArgs]]);
    expect(snapshot.errors).toEqual([]);
    expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
    for (const name of Object.keys(sources)) expect(snapshot.collectors[name]?.status, name).toBe('ok');
  });

  it('PowerShell missing: one attempt, every PowerShell-fed domain says command-missing; activity still answers', async () => {
    const { snapshot, calls } = await windowsCycle({});
    expect(calls).toHaveLength(1);
    const codes = Object.fromEntries(snapshot.errors.map((e) => [e.collector, e.code]));
    expect(Object.keys(codes).sort()).toEqual(['displays', 'host', 'inputs', 'locale', 'network', 'processes', 'sessions', 'software', 'usb']);
    expect(new Set(Object.values(codes))).toEqual(new Set(['command-missing']));
    expect(snapshot.activity).toMatchObject({ idleSeconds: null });
  });

  it('truncated output: each domain reports a parse error', async () => {
    const { snapshot } = await windowsCycle({ [powershell]: inventory.slice(0, 9000) });
    expect(snapshot.errors.length).toBe(9);
    expect(snapshot.errors.every((e) => e.code === 'parse-error')).toBe(true);
  });

  it('one failed section fails only its own domains', async () => {
    const doc = JSON.parse(inventory);
    doc.pnp = { error: 'Invalid query ', ms: 2 };
    const { snapshot } = await windowsCycle({ [powershell]: JSON.stringify(doc) });
    expect(snapshot.errors.map((e) => e.collector)).toEqual(['inputs', 'usb']);
    expect(snapshot.host?.vendor).toBe('LENOVO');
  });

  it('without a cycle map (a collector run alone) the source still works', async () => {
    const { collect } = await sources.host();
    const ctx = fakeContext({ commands: { [powershell]: inventory } });
    expect((await collect(ctx)).status).toBe('ok');
    expect(activity.name).toBe('activity');
  });
});
