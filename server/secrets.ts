import { randomBytes } from 'node:crypto';
import { chmod, open, readFile } from 'node:fs/promises';
import { ConfigError } from '../agent/config.js';
import { postgresOf, type ServerConfig } from './config.js';

export interface ServerSecrets {
  enrollSecret: string;
  adminToken: string;
  /** Set when the secrets came from (or were just written to) the file beside the db. */
  file?: string;
  generated: boolean;
}

export const secretsFileOf = (db: string): string => `${db}.secrets.json`;

/**
 * Secrets from the config; failing that, from `<db>.secrets.json` (mode 0600); failing that, generated once
 * and written there, so that `farmwatch server` starts with no set-up and an operator reads them from one file.
 */
export async function resolveSecrets(config: ServerConfig): Promise<ServerSecrets> {
  if (config.enrollSecret && config.adminToken) return { enrollSecret: config.enrollSecret, adminToken: config.adminToken, generated: false };
  // Replicas share one database and must share the secrets: no file beside a PostgreSQL URL (docs/postgres.md).
  if (postgresOf(config)) throw new ConfigError('with PostgreSQL (db as a postgres:// URL, or database.url), set enrollSecret and adminToken in the server config: every replica needs the same ones');
  const file = secretsFileOf(config.db);
  let stored: Partial<Record<'enrollSecret' | 'adminToken', string>> = {};
  let exists = true;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as typeof stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`${file}: cannot read the secrets file (${(err as Error).message})`);
    exists = false;
  }
  if (exists) {
    const enrollSecret = config.enrollSecret ?? stored.enrollSecret;
    const adminToken = config.adminToken ?? stored.adminToken;
    if (typeof enrollSecret !== 'string' || typeof adminToken !== 'string') {
      throw new ConfigError(`${file}: expected {"enrollSecret": "...", "adminToken": "..."}; set enrollSecret and adminToken in the server config or delete this file to generate new ones`);
    }
    return { enrollSecret, adminToken, file, generated: false };
  }
  const generated = {
    enrollSecret: config.enrollSecret ?? randomBytes(32).toString('base64url'),
    adminToken: config.adminToken ?? randomBytes(32).toString('base64url'),
  };
  // 'wx': never overwrite a file another process wrote meanwhile; mode 0600 from the first byte.
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(generated, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(file, 0o600);
  return { ...generated, file, generated: true };
}
