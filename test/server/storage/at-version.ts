import Database from 'better-sqlite3';
import pg from 'pg';
import { migrations } from '../../../server/storage/migrations.js';

export type Exec = (sql: string, params?: unknown[]) => Promise<void>;

/**
 * A database as schema `version` left it: every migration up to it applied, by the engine's own runner's steps. Its
 * `exec` takes `?` placeholders on both engines; opening the file or URL with the server's storage then migrates it.
 */
export async function atVersion(name: string, db: string, version: number): Promise<{ exec: Exec; close: () => Promise<void> }> {
  const upTo = migrations.filter((m) => m.version <= version);
  const ddl = 'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)';
  if (name === 'sqlite') {
    const d = new Database(db);
    d.exec(ddl);
    for (const m of upTo) {
      d.exec(m.sqlite);
      d.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    }
    return { exec: async (q, p = []) => void d.prepare(q).run(...p), close: async () => void d.close() };
  }
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  await c.query(ddl);
  for (const m of upTo) {
    await c.query(m.postgres);
    await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
  }
  return {
    exec: async (q, p = []) => {
      let i = 0;
      await c.query(q.replace(/\?/g, () => `$${++i}`), p);
    },
    close: () => c.end(),
  };
}
