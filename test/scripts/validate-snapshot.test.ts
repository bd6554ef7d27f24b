import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonSchemas } from '../../schema/index.js';
import { missingRequired } from '../../scripts/eval/validate-snapshot.js';
import { cliPath, farmwatch } from '../agent/cli-run.js';

const script = new URL('../../dist/scripts/eval/validate-snapshot.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'fw-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(...args: string[]) {
  return spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('missingRequired', () => {
  const schema = jsonSchemas().snapshot;
  it('names the path of a missing required key, through records and nullable branches', () => {
    expect(missingRequired({ schemaVersion: 1 }, schema)).toContain('$.collectedAt');
    expect(missingRequired({ a: { b: 1 } }, { type: 'object', properties: { a: { anyOf: [{ type: 'null' }, { type: 'object', required: ['c'] }] } } })).toEqual(['$.a.c']);
    expect(missingRequired({ a: null }, { type: 'object', properties: { a: { anyOf: [{ type: 'null' }, { type: 'object', required: ['c'] }] } } })).toEqual([]);
    expect(missingRequired({ m: { x: {} } }, { type: 'object', properties: { m: { type: 'object', additionalProperties: { type: 'object', required: ['status'] } } } })).toEqual(['$.m.x.status']);
  });
});

// The CI workflow runs the same three commands on macOS and Windows; here they run on the development OS.
describe.skipIf(process.platform !== 'linux')('validate-snapshot on a real `farmwatch collect` (Linux; CI covers macOS and Windows)', () => {
  it('passes a fresh snapshot against `farmwatch schema`, fails a broken one with the path', async () => {
    const snap = join(dir, 'snapshot.json');
    const collected = await farmwatch(['collect', '--out', snap]);
    expect(collected.code, collected.stderr).toBe(0);
    const schema = await farmwatch(['schema']);
    expect(schema.code).toBe(0);
    const schemaFile = join(dir, 'schema.json');
    writeFileSync(schemaFile, schema.stdout);

    const ok = validate(snap, schemaFile);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^snapshot valid \(platform linux;/);

    const broken = JSON.parse(readFileSync(snap, 'utf8'));
    delete broken.collectedAt;
    broken.errors = [{ collector: 'usb' }];
    const bad = join(dir, 'broken.json');
    writeFileSync(bad, JSON.stringify(broken));
    const failed = validate(bad, schemaFile);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/json-schema: required key missing: \$\.collectedAt/);
    expect(failed.stderr).toMatch(/json-schema: required key missing: \$\.errors\[0\]\.code/);
    expect(failed.stderr).toMatch(/^zod: /m);
    expect(validate().status).toBe(2);
    expect(cliPath).toMatch(/cli\.js$/);
  });
});
