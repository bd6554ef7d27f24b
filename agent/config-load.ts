import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../common/errors.js';
import { contract, quickCheck } from '../schema/contract.js';
import type { Config } from '../schema/config.js';

export type { Config } from '../schema/config.js';

const configContract = contract('config');

/**
 * The config as config.ts's parseConfig makes it (defaults filled in), checked by its generated shape: zod, and the
 * one-line messages naming the key (common/config-error.ts), load only for a config the shape does not accept.
 */
async function parseConfig(raw: unknown, file = 'config'): Promise<Config> {
  const quick = quickCheck(configContract, raw);
  if (quick) return quick.data;
  const schema = await configContract.zod();
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const { describeIssues } = await import('../common/config-error.js');
  throw new ConfigError(describeIssues(parsed.error, file, schema));
}

/** Reads --config, else FARMWATCH_CONFIG, else the embedded defaults. */
export async function loadConfig(file: string | undefined, env = process.env): Promise<{ config: Config; file?: string }> {
  const path = file ?? env.FARMWATCH_CONFIG;
  if (!path) return { config: await parseConfig({}) };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return { config: await parseConfig(raw, path), file: path };
}

export function defaultStateDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  const root = typeof process.getuid === 'function' ? process.getuid() === 0 : false;
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'farmwatch');
  if (platform === 'darwin') {
    return root ? '/Library/Application Support/farmwatch' : join(homedir(), 'Library', 'Application Support', 'farmwatch');
  }
  return root ? '/var/lib/farmwatch' : join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'farmwatch');
}

export function stateDirOf(config: Config): string {
  return config.stateDir ?? defaultStateDir();
}
