import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../../server/ingest-pool/pool.js';
import type { PrepareInput, Prepared } from '../../../server/ingest-pool/prepare.js';
import { preparedOf } from '../../../server/ingest-pool/protocol.js';
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
    const ok = { kind: 'ok', report: { deviceId: 'd', reportId: 'r', findings: [] }, body: '{}' };
    expect(preparedOf(ok)).toBe(ok);
    for (const bad of [null, 1, 'ok', [], { kind: 'ok' }, { ...ok, body: {} }, { ...ok, report: { ...ok.report, deviceId: 7 } }, { kind: 'refused', refusal: { status: 500, code: 'x', message: 'y' } }, { kind: 'refused', refusal: { status: 401.5, code: 'x', message: 'y' } }, { kind: 'invalid' }, { kind: 'fault' }, { kind: 'other' }]) {
      expect(preparedOf(bad)).toBeNull();
    }
    expect(preparedOf({ kind: 'invalid', refusal: { status: 400, code: 'invalid_report', message: 'm', issues: [] } })).not.toBeNull();
  });
});
