import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../agent/config.js';
import { parseServerConfig } from '../../server/config.js';
import { resolveSecrets } from '../../server/secrets.js';
import { farmwatch } from '../agent/agent-process.js';
import { cleanup, enroll, makeReport, postReport, startServer } from './helpers.js';

const modeOf = (file: string) => statSync(file).mode & 0o777;
const dbFiles = (db: string) => [db, `${db}-wal`, `${db}-shm`];

/** A pino logger whose lines the test reads. */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger: Logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('the server database, its WAL and SHM are mode 0600', () => {
  it('creates them 0600 (a real SQLite file after a real enrollment and report)', async () => {
    const s = await startServer();
    try {
      const { token } = await enroll(s.url, 'modes-1');
      expect((await postReport(s.url, token, makeReport('modes-1'))).status).toBe(202);
      for (const file of dbFiles(s.db)) {
        expect(existsSync(file), file).toBe(true);
        expect(modeOf(file), file).toBe(0o600);
      }
    } finally {
      await s.close();
      cleanup(s.dir);
    }
  });

  it('tightens existing 0644 files at start, one log line per file naming it and its old mode', async () => {
    const first = await startServer();
    const { token } = await enroll(first.url, 'modes-2');
    await postReport(first.url, token, makeReport('modes-2'));
    await first.close();
    // Files an older version left behind: readable by everyone. The WAL and SHM are recreated after a clean close,
    // so make them as an older run would have.
    for (const file of dbFiles(first.db)) {
      if (!existsSync(file)) writeFileSync(file, '');
      chmodSync(file, 0o644);
    }
    const { logger, lines } = capturingLogger();
    const again = await startServer({}, { logger }, first.dir);
    try {
      for (const file of dbFiles(first.db)) expect(modeOf(file), file).toBe(0o600);
      const tightened = lines.filter((l) => l['msg'] === 'database file was readable by group or other; set to mode 0600');
      expect(tightened.map((l) => [l['file'], l['was']]).sort()).toEqual(dbFiles(first.db).map((f) => [f, '644']).sort());
      // Still the same database: the device reports on.
      expect((await postReport(again.url, token, makeReport('modes-2'))).status).toBe(202);
    } finally {
      await again.close();
      cleanup(first.dir);
    }
  });
});

describe('the secrets file', () => {
  const configIn = (dir: string) => parseServerConfig({ db: join(dir, 'farmwatch.db') });

  it('is generated 0600 with an identifierKey beside the enrollSecret and adminToken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-secrets-'));
    try {
      const secrets = await resolveSecrets(configIn(dir));
      expect(secrets.generated).toBe(true);
      const file = join(dir, 'farmwatch.db.secrets.json');
      expect(modeOf(file)).toBe(0o600);
      const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      expect(stored).toEqual({ enrollSecret: secrets.enrollSecret, adminToken: secrets.adminToken, identifierKey: secrets.identifierKey });
      expect(Buffer.from(secrets.identifierKey, 'base64url')).toHaveLength(32);
    } finally {
      cleanup(dir);
    }
  });

  it('migrates a file of an older version: adds an identifierKey once, keeps the secrets and the mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-secrets-'));
    try {
      const file = join(dir, 'farmwatch.db.secrets.json');
      const old = { enrollSecret: 'old-enroll-secret-0123456789', adminToken: 'old-admin-token-0123456789abcdef' };
      writeFileSync(file, JSON.stringify(old), { mode: 0o600 });
      const first = await resolveSecrets(configIn(dir));
      expect(first).toMatchObject({ ...old, migrated: true, generated: false });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ...old, identifierKey: first.identifierKey });
      expect(modeOf(file)).toBe(0o600);
      const second = await resolveSecrets(configIn(dir));
      expect(second.identifierKey).toBe(first.identifierKey);
      expect(second.migrated).toBeUndefined();
    } finally {
      cleanup(dir);
    }
  });

  it('refuses a group- or world-readable secrets file, naming the file, its mode and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-secrets-'));
    try {
      const file = join(dir, 'farmwatch.db.secrets.json');
      writeFileSync(file, JSON.stringify({ enrollSecret: 'e'.repeat(20), adminToken: 'a'.repeat(32) }));
      for (const mode of [0o644, 0o640, 0o604, 0o620]) {
        chmodSync(file, mode);
        const refused = resolveSecrets(configIn(dir));
        await expect(refused).rejects.toBeInstanceOf(ConfigError);
        await expect(refused).rejects.toThrow(`${file}: the secrets file is mode 0${mode.toString(8)}`);
        await expect(refused).rejects.toThrow(`chmod 600 ${file}`);
        // Refused, not silently fixed: the operator decides whether the secrets must be rotated.
        expect(modeOf(file)).toBe(mode);
      }
    } finally {
      cleanup(dir);
    }
  });

  it('`farmwatch server` exits 2 with one line on a 0644 secrets file and opens no database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-secrets-'));
    try {
      const db = join(dir, 'fleet.db');
      writeFileSync(`${db}.secrets.json`, JSON.stringify({ enrollSecret: 'e'.repeat(20), adminToken: 'a'.repeat(32) }), { mode: 0o644 });
      chmodSync(`${db}.secrets.json`, 0o644);
      const r = await farmwatch(['server', '--port', '0', '--db', db]);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`${db}.secrets.json: the secrets file is mode 0644`);
      expect(lines[0]).toContain(`chmod 600 ${db}.secrets.json`);
      expect(existsSync(db)).toBe(false);
    } finally {
      cleanup(dir);
    }
  });
});
