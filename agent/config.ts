import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, describeIssues } from '../common/config-error.js';
import { configSchema, type Config } from '../schema/config.js';

export { configSchema, type Config } from '../schema/config.js';

// Config errors are shared with the server's config (common/config-error.ts); re-exported for the agent's callers.
export { ConfigError, describeIssues, allowedKeysAt } from '../common/config-error.js';

export function parseConfig(raw: unknown, file = 'config'): Config {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, file, configSchema));
  return parsed.data;
}

/** Reads --config, else FARMWATCH_CONFIG, else the embedded defaults. */
export async function loadConfig(file: string | undefined, env = process.env): Promise<{ config: Config; file?: string }> {
  const path = file ?? env.FARMWATCH_CONFIG;
  if (!path) return { config: parseConfig({}) };
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
  return { config: parseConfig(raw, path), file: path };
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
