import { describe, expect, it } from 'vitest';
import { openPostgres } from '../../../server/storage/pg.js';
import { openSqlite } from '../../../server/storage/sqlite.js';
import { numberPlaceholders } from '../../../server/db/sql/types.js';
import { engines } from '../../helpers/engines.js';

describe('numberPlaceholders', () => {
  it('numbers ? outside quotes and leaves quoted ones alone', () => {
    expect(numberPlaceholders("SELECT ? , '?' , \"a?\" WHERE x = ? AND y = ?")).toBe("SELECT $1 , '?' , \"a?\" WHERE x = $2 AND y = $3");
  });
});

// The one interface domain storage is written against, on both engines.
describe.each(engines)('SqlDb (%s)', (name, engine) => {
  it('reads, writes, commits a transaction and rolls back a failed one', async () => {
    const db = await engine.db();
    const storage = name === 'postgres' ? await openPostgres({ url: db }) : openSqlite(db);
    const sql = storage.sql;
    try {
      expect(sql.dialect).toBe(name);
      await sql.run("INSERT INTO meta (key, value) VALUES (?, ?)", ['sql-test', 'one']);
      expect(await sql.get<{ value: string }>('SELECT value FROM meta WHERE key = ?', ['sql-test'])).toEqual({ value: 'one' });
      expect(await sql.get('SELECT value FROM meta WHERE key = ?', ['absent'])).toBeUndefined();

      await sql.transaction(async (tx) => {
        await tx.lock('sql-test');
        await tx.run('UPDATE meta SET value = ? WHERE key = ?', ['two', 'sql-test']);
      });
      expect((await sql.all<{ value: string }>("SELECT value FROM meta WHERE key = 'sql-test'"))[0]?.value).toBe('two');

      await expect(
        sql.transaction(async (tx) => {
          await tx.run('UPDATE meta SET value = ? WHERE key = ?', ['three', 'sql-test']);
          throw new Error('abandoned');
        }),
      ).rejects.toThrow('abandoned');
      expect((await sql.get<{ value: string }>("SELECT value FROM meta WHERE key = 'sql-test'"))?.value).toBe('two');

      // Two transactions started together both commit, one after the other.
      await Promise.all(['a', 'b'].map((k) => sql.transaction(async (tx) => tx.run('INSERT INTO meta (key, value) VALUES (?, ?)', [`tx-${k}`, k]))));
      expect((await sql.all("SELECT key FROM meta WHERE key LIKE 'tx-%'")).length).toBe(2);
      expect((await sql.run('DELETE FROM meta WHERE key LIKE ?', ['tx-%'])).changes).toBe(2);
    } finally {
      await storage.close();
    }
  });
});
