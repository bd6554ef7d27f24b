import { createHmac, randomBytes } from 'node:crypto';
import { chmod, open, readFile, rename, stat } from 'node:fs/promises';
import { ConfigError } from '../common/config-error.js';
import { postgresOf, type ServerConfig } from './config.js';

export interface ServerSecrets {
  enrollSecret: string;
  adminToken: string;
  /**
   * The server's own key for the identifiers it stores (place and identity hashes are keyed again under it at
   * ingest): never sent to a laptop, never in the database. From the secrets file, else derived from adminToken.
   */
  identifierKey: string;
  /** Set when the secrets came from (or were just written to) the file beside the db. */
  file?: string;
  generated: boolean;
  /** The file had no identifierKey (written by an older version): one was generated and added. */
  migrated?: boolean;
}

type Stored = Partial<Record<'enrollSecret' | 'adminToken' | 'identifierKey', string>>;

export const secretsFileOf = (db: string): string => `${db}.secrets.json`;

/**
 * With the secrets in the config (every PostgreSQL replica, or a SQLite server configured so) there is no file to
 * keep a key in: it is derived from the adminToken, which no laptop and no database holds. Rotating the adminToken
 * therefore starts the stored identifiers afresh (co-location restarts its window).
 */
export function identifierKeyFromAdminToken(adminToken: string): string {
  return createHmac('sha256', adminToken).update('farmwatch identifier key v1').digest('base64url');
}

/**
 * A secrets file that group or other may read or write is refused: its secrets may have leaked already, which a
 * chmod would hide. One line names the file, its mode and the fix.
 */
export async function checkSecretsFileMode(file: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (platform === 'win32') return;
  const mode = (await stat(file)).mode & 0o777;
  if (mode & 0o077) {
    throw new ConfigError(`${file}: the secrets file is mode ${mode.toString(8).padStart(4, '0')}, readable or writable by group or other; run \`chmod 600 ${file}\` (and rotate the secrets if others could read it)`);
  }
}

/**
 * Secrets from the config; failing that, from `<db>.secrets.json` (mode 0600); failing that, generated once
 * and written there, so that `farmwatch server` starts with no set-up and an operator reads them from one file.
 * A file from an older version (no identifierKey) gets one added, in place and atomically.
 */
export async function resolveSecrets(config: ServerConfig): Promise<ServerSecrets> {
  if (config.enrollSecret && config.adminToken) {
    return { enrollSecret: config.enrollSecret, adminToken: config.adminToken, identifierKey: identifierKeyFromAdminToken(config.adminToken), generated: false };
  }
  // Replicas share one database and must share the secrets: no file beside a PostgreSQL URL (docs/postgres.md).
  if (postgresOf(config)) throw new ConfigError('with PostgreSQL (db as a postgres:// URL, or database.url), set enrollSecret and adminToken in the server config: every replica needs the same ones');
  const file = secretsFileOf(config.db);
  let stored: Stored = {};
  let exists = true;
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Stored;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`${file}: cannot read the secrets file (${(err as Error).message})`);
    exists = false;
  }
  if (exists) {
    await checkSecretsFileMode(file);
    const enrollSecret = config.enrollSecret ?? stored.enrollSecret;
    const adminToken = config.adminToken ?? stored.adminToken;
    if (typeof enrollSecret !== 'string' || typeof adminToken !== 'string' || (stored.identifierKey !== undefined && typeof stored.identifierKey !== 'string')) {
      throw new ConfigError(`${file}: expected {"enrollSecret": "...", "adminToken": "...", "identifierKey": "..."}; set enrollSecret and adminToken in the server config or delete this file to generate new ones`);
    }
    if (typeof stored.identifierKey === 'string') return { enrollSecret, adminToken, identifierKey: stored.identifierKey, file, generated: false };
    const identifierKey = randomBytes(32).toString('base64url');
    await writePrivate(file, { ...stored, identifierKey }, 'replace');
    return { enrollSecret, adminToken, identifierKey, file, generated: false, migrated: true };
  }
  const generated = {
    enrollSecret: config.enrollSecret ?? randomBytes(32).toString('base64url'),
    adminToken: config.adminToken ?? randomBytes(32).toString('base64url'),
    identifierKey: randomBytes(32).toString('base64url'),
  };
  await writePrivate(file, generated, 'create');
  return { ...generated, file, generated: true };
}

/**
 * Mode 0600 from the first byte. 'create' never overwrites a file another process wrote meanwhile; 'replace' writes
 * a temporary file beside it and renames it over, so a crash leaves the old file or the new one, never half of one.
 */
async function writePrivate(file: string, content: object, how: 'create' | 'replace'): Promise<void> {
  const target = how === 'create' ? file : `${file}.${process.pid}.tmp`;
  const handle = await open(target, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await chmod(target, 0o600);
  if (how === 'replace') await rename(target, file);
}
