import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../../server/ingest-pool/pool.js';
import type { PrepareInput, Prepared } from '../../../server/ingest-pool/prepare.js';
import { preparedOf } from '../../../server/ingest-pool/protocol.js';
import { reportPreparer } from '../../../server/ingest-pool/prepare.js';
import { factsHash } from '../../../server/ingest/report-facts.js';
import fc from 'fast-check';
import { anyReportBody, makeReport } from '../helpers.js';
import { cleanup } from '../helpers.js';
import { waitFor } from './pool-helpers.js';

/** Real worker threads that misbehave: each file answers `ready`, then does what its body says with a batch. */
const dir = mkdtempSync(join(tmpdir(), 'fw-pool-'));
function workerFile(name: string, onBatch: string): string {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', (m) => { ${onBatch} });\nparentPort.postMessage({ ready: true });\n`);
  return file;
}
afterAll(() => cleanup(dir));

const input: PrepareInput = { text: '{}', publicKey: null, signature: {} };
const inlined: Prepared = { kind: 'refused', refusal: { status: 400, code: 'inline', message: 'prepared on the main thread' } };

async function poolOf(file: string) {
  const errors: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => errors.push(line) });
  const pool = new WorkerPool({ file, identifierKey: Buffer.alloc(32), inline: () => inlined, logger });
  pool.resize(1);
  await waitFor(() => pool.ready === 1);
  return { pool, errors };
}

describe('the ingest pool with a worker that misbehaves', () => {
  it('a malformed answer is a fault for its request (a 500), counted and logged; the pool goes on', async () => {
    const { pool, errors } = await poolOf(workerFile('garbage', `parentPort.postMessage({ results: m.tasks.map((t) => ({ id: t.id, prepared: { kind: 'ok', report: 'not a report', body: 1 } })) });`));
    expect(await pool.run(input)).toEqual({ kind: 'fault', message: 'malformed answer from an ingest worker' });
    expect(pool.failures).toBe(1);
    expect(pool.offloaded).toBe(0);
    expect(errors.join('')).toContain('failed its check');
    await pool.close();
  });

  it('a message that is no answer at all, and an answer to a task never sent, are counted and ignored', async () => {
    const { pool } = await poolOf(workerFile('stray', `parentPort.postMessage('hello'); parentPort.postMessage({ results: [{ id: -1, prepared: null }] }); parentPort.postMessage({ results: m.tasks.map((t) => ({ id: t.id, prepared: { kind: 'fault', message: 'x' } })) });`));
    expect(await pool.run(input)).toEqual({ kind: 'fault', message: 'x' });
    expect(pool.failures).toBe(2);
    await pool.close();
  });

  it('a worker that dies holding tasks: they are prepared on the main thread, the death counted and logged', async () => {
    const { pool, errors } = await poolOf(workerFile('crash', `process.exit(3);`));
    const answers = await Promise.all([pool.run(input), pool.run(input), pool.run(input)]);
    expect(answers).toEqual([inlined, inlined, inlined]);
    expect(pool.failures).toBe(1);
    expect(pool.size).toBe(0);
    expect(errors.join('')).toContain('ingest worker exited');
    // Without a ready worker, the next report is prepared here at once.
    expect(await pool.run(input)).toEqual(inlined);
    await pool.close();
  });

  it('a worker that never answers is terminated after the stall limit; its tasks are prepared here', async () => {
    const { pool } = await poolOf(workerFile('stall', `/* holds the batch forever */`));
    const pending = pool.run(input);
    await new Promise((r) => setTimeout(r, 30));
    pool.reapStalled(10);
    expect(await pending).toEqual(inlined);
    await pool.close();
  });
});

describe('preparedOf: the re-check of a worker answer', () => {
  it('believes only the shapes the route reads', () => {
    const ok = { kind: 'ok', report: { deviceId: 'd', reportId: 'r', findings: [] }, body: '{}', factsHash: null };
    expect(preparedOf(ok)).toBe(ok);
    // The facts hash crosses threads as a Uint8Array (a Buffer is one): 32 bytes, or null.
    const hashed = { ...ok, factsHash: new Uint8Array(32) };
    expect(preparedOf(hashed)).toBe(hashed);
    for (const bad of [null, 1, 'ok', [], { kind: 'ok' }, { ...ok, body: {} }, { ...ok, factsHash: undefined }, { ...ok, factsHash: 'ab'.repeat(32) }, { ...ok, factsHash: new Uint8Array(31) }, { ...ok, report: { ...ok.report, deviceId: 7 } }, { kind: 'refused', refusal: { status: 500, code: 'x', message: 'y' } }, { kind: 'refused', refusal: { status: 401.5, code: 'x', message: 'y' } }, { kind: 'invalid' }, { kind: 'fault' }, { kind: 'other' }]) {
      expect(preparedOf(bad)).toBeNull();
    }
    expect(preparedOf({ kind: 'invalid', refusal: { status: 400, code: 'invalid_report', message: 'm', issues: [] } })).not.toBeNull();
  });
});

describe('the facts hash of a prepared report', () => {
  it('is the facts hash of the body it stores, for any body the schema takes', () => {
    const prepare = reportPreparer(Buffer.alloc(32, 7));
    const base = makeReport('d-1', { identity: { timezone: 'UTC', gatewayMac: 'a'.repeat(64), wifiBssid: 'b'.repeat(64) }, agent: { version: '0.1.0', configHash: 'abc', health: { cpuMs: 5, rssMiB: 40 } } });
    const check = (text: string, mustTake = false) => {
      const prepared = prepare({ text, publicKey: null, signature: {} });
      if (mustTake) expect(prepared.kind).toBe('ok');
      if (prepared.kind !== 'ok') return;
      expect(prepared.factsHash && Buffer.from(prepared.factsHash).toString('hex')).toBe(factsHash(prepared.body)?.toString('hex'));
    };
    check(JSON.stringify(base), true);
    // An own "__proto__" key, an integer-like key (written first), numbers and characters JSON spells more than one way.
    check(`{"__proto__":{"x":1},"1":"n","extra":[-0,1e21,1.50,"\\u00e9\\u2028"],${JSON.stringify(base).slice(1)}`, true);
    fc.assert(fc.property(anyReportBody(base), (text) => check(text)), { numRuns: 300 });
  });
});
