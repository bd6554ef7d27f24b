import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { frontendCounter, wireCountRequest, type WireCounts } from '../../scripts/bench/pg-wire-count.js';
import { pgSkipReason, pgUrl } from '../helpers/engines.js';

const hook = new URL('../../dist/scripts/bench/pg-wire-count.js', import.meta.url).href;
const pgModule = new URL('../../node_modules/pg/lib/index.js', import.meta.url).href;

/** A frontend message: type byte, then its length (itself included) and `body`. */
const message = (type: string, body = Buffer.alloc(3)) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};
const startup = () => {
  const b = Buffer.alloc(12);
  b.writeInt32BE(12, 0);
  b.writeInt32BE(196608, 4);
  return b;
};

describe('frontendCounter', () => {
  it('counts each message once, whatever the chunks it arrives in, after the startup packet', () => {
    const seen: string[] = [];
    const count = frontendCounter((t) => seen.push(String.fromCharCode(t)));
    const wire = Buffer.concat([startup(), message('P', Buffer.from('SELECT 1\0\0\0')), message('B'), message('E'), message('S'), message('Q', Buffer.from('BEGIN\0'))]);
    for (let at = 0; at < wire.length; at += 3) count(wire.subarray(at, at + 3));
    expect(seen).toEqual(['P', 'B', 'E', 'S', 'Q']);
  });

  it('skips an SSL request before the startup packet', () => {
    const seen: number[] = [];
    const count = frontendCounter((t) => seen.push(t));
    const ssl = Buffer.alloc(8);
    ssl.writeInt32BE(8, 0);
    ssl.writeInt32BE(80877103, 4);
    count(Buffer.concat([ssl, startup(), message('S')]));
    expect(seen).toEqual([0x53]);
  });
});

describe.skipIf(pgSkipReason)('the wire-count hook in a process', () => {
  it('counts the round trips a pg client makes, and answers on the IPC channel', async () => {
    // A child that loads the hook as the benchmark's servers do, runs 3 parameterised queries and 1 simple one.
    const script = `
      const { default: pg } = await import(${JSON.stringify(pgModule)});
      const client = new pg.Client({ connectionString: ${JSON.stringify(pgUrl)} });
      await client.connect();
      for (let i = 0; i < 3; i++) await client.query('SELECT $1::int AS n', [i]);
      await client.query('SELECT 1');
      process.send('ready');
      process.on('message', (m) => { if (m === 'end') client.end(); });
    `;
    const child = spawn(process.execPath, ['--import', hook, '--input-type=module', '--eval', script], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, FARMWATCH_BENCH_PG_PORT: new URL(pgUrl!).port },
    });
    const messages: unknown[] = [];
    const next = () => new Promise<unknown>((resolve) => child.once('message', (m) => { messages.push(m); resolve(m); }));
    try {
      expect(await next()).toBe('ready');
      const answer = next();
      child.send(wireCountRequest);
      const counts = ((await answer) as { pgWireCount: WireCounts }).pgWireCount;
      expect(counts).toEqual({ sync: 3, query: 1, roundTrips: 4 });
    } finally {
      child.send('end');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    // The IPC channel does not keep the process alive once its work is done.
    expect(child.exitCode).toBe(0);
  });
});
