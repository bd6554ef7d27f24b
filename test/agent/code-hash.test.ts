import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codeHash, codeHashProblem, codeSource, computeCodeHash } from '../../agent/code-hash.js';
import { parseConfig } from '../../agent/config.js';
import { buildReport } from '../../agent/report.js';
import type { Evaluation } from '../../rules/index.js';
import { reportSchema } from '../../schema/report.js';
import { emptySnapshot } from '../helpers/snapshot.js';

// The bundle and the single executable are covered by test/bundle/code-hash.test.ts and sea.test.ts (real builds).
const dir = mkdtempSync(join(tmpdir(), 'fw-codehash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const emptyHash = createHash('sha256').update('').digest('hex');

describe('computeCodeHash', () => {
  it('run from the npm package: covers dist/ code and the catalogs shipped beside it; one changed byte changes it', async () => {
    const pkg = join(dir, 'pkg');
    mkdirSync(join(pkg, 'dist', 'agent'), { recursive: true });
    mkdirSync(join(pkg, 'rules', 'catalogs'), { recursive: true });
    writeFileSync(join(pkg, 'dist', 'agent', 'cli.js'), 'console.log(1)');
    writeFileSync(join(pkg, 'rules', 'catalogs', 'remote-access.json'), '{"tools":[]}');
    const source = { kind: 'package', root: join(pkg, 'dist') } as const;
    const first = await computeCodeHash(source);
    expect(first.ok).toBe(true);
    expect(codeHash()).toBe(first.ok ? first.hash : 'none');
    expect(codeHash()).not.toBe(emptyHash);
    writeFileSync(join(pkg, 'rules', 'catalogs', 'remote-access.json'), '{"tools":[1]}');
    const second = await computeCodeHash(source);
    expect(second.ok && second.hash).not.toBe(first.ok && first.hash);
  });

  it('a bundle file: the SHA-256 of its bytes', async () => {
    const file = join(dir, 'farmwatch.cjs');
    writeFileSync(file, 'bundle bytes');
    expect(await computeCodeHash({ kind: 'bundle', file })).toMatchObject({ ok: true, hash: createHash('sha256').update('bundle bytes').digest('hex') });
  });

  it('nothing to read is no hash and a reason, never the hash of nothing', async () => {
    const missing = await computeCodeHash({ kind: 'executable', file: join(dir, 'no-such-exe') });
    expect(missing).toMatchObject({ ok: false, reason: expect.stringMatching(/cannot read the agent's code: ENOENT/) });
    expect(codeHash()).toBeUndefined();
    expect(codeHashProblem()).toMatch(/no-such-exe/);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(await computeCodeHash({ kind: 'package', root: empty })).toMatchObject({ ok: false, reason: expect.stringMatching(/^no code files under/) });
    expect(codeHash()).toBeUndefined();
  });

  it('run from the sources (tests), the source is the package root above agent/', () => {
    expect(codeSource()).toMatchObject({ kind: 'package' });
  });

  it('the report carries the hash, or no hash and the reason in agent.codeHashUnavailable; both pass the wire schema', async () => {
    const report = () =>
      buildReport({
        snapshot: emptySnapshot(), evaluation: { findings: [], score: 0, level: 'none' } as unknown as Evaluation, config: parseConfig({}),
        deviceId: 'dev-1', fleetKey: 'k'.repeat(43), agentVersion: '0.1.0', health: {}, nextReportBy: new Date(),
      });
    const file = join(dir, 'farmwatch.cjs');
    writeFileSync(file, 'bundle bytes');
    await computeCodeHash({ kind: 'bundle', file });
    const good = report();
    expect(good.agent.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(good.agent).not.toHaveProperty('codeHashUnavailable');
    expect(reportSchema.safeParse(good).success).toBe(true);
    await computeCodeHash({ kind: 'bundle', file: join(dir, 'gone.cjs') });
    const bad = report();
    expect(bad.agent).not.toHaveProperty('codeHash');
    expect(bad.agent.codeHashUnavailable).toMatch(/cannot read the agent's code: ENOENT.*gone\.cjs/);
    expect(reportSchema.safeParse(bad).success).toBe(true);
  });
});
