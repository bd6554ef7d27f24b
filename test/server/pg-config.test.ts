import { describe, expect, it } from 'vitest';
import { postgresOf, serverConfigSchema } from '../../server/config.js';

describe('PostgreSQL configuration', () => {
  it('keeps one ingest batch in flight per replica unless database.ingestBatches says more', () => {
    const url = 'postgres://farmwatch:secret@db.internal:5432/farmwatch';
    expect(postgresOf(serverConfigSchema.parse({ db: url }))).toEqual({ url, poolSize: 10, ingestBatches: 1 });
    expect(postgresOf(serverConfigSchema.parse({ database: { url } }))).toEqual({ url, poolSize: 10, ingestBatches: 1 });
    expect(postgresOf(serverConfigSchema.parse({ database: { url, poolSize: 20, ingestBatches: 3 } }))).toEqual({ url, poolSize: 20, ingestBatches: 3 });
    expect(() => serverConfigSchema.parse({ database: { url, ingestBatches: 0 } })).toThrow();
    expect(() => serverConfigSchema.parse({ database: { url, ingestBatches: 17 } })).toThrow();
    expect(postgresOf(serverConfigSchema.parse({ db: './farmwatch.db' }))).toBeNull();
  });
});
