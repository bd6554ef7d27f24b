import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, getJson, secrets, startServer, type Running } from '../server/helpers.js';
import { computeCodeHash } from '../../agent/code-hash.js';
import { repoRoot, runIn } from './run-isolated.js';

// The shipped laptop build is one file: its code hash must be the hash of that file, not of source folders that
// are not there. Builds the bundle as `npm run build:bundle` does, enrolls it with a real server on loopback and
// runs it once; then changes one byte of the bundle and runs it again under the same version.
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const emptyHash = sha256('');

let buildDir: string;
let runDir: string;
let bundle: string;
let server: Running;

interface Standing { codeHash: string | null }
interface Alert { rule: string; deviceIds: string[]; evidence: Record<string, unknown> }

beforeAll(async () => {
  buildDir = mkdtempSync(join(tmpdir(), 'farmwatch-codehash-build-'));
  runDir = mkdtempSync(join(tmpdir(), 'farmwatch-codehash-run-'));
  const built = await runIn(repoRoot, process.execPath, [join(repoRoot, 'scripts', 'package', 'build-bundle.mjs'), '--out', buildDir]);
  expect(built.code, built.stderr).toBe(0);
  bundle = join(runDir, 'farmwatch.cjs');
  copyFileSync(join(buildDir, 'farmwatch.cjs'), bundle);
  server = await startServer();
  writeFileSync(join(runDir, 'secret'), secrets.enrollSecret, { mode: 0o600 });
  writeFileSync(join(runDir, 'agent.json'), JSON.stringify({ stateDir: join(runDir, 'state'), deviceId: 'bundle-hash-1', server: { url: server.url } }));
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (server) cleanup(server.dir);
  rmSync(buildDir, { recursive: true, force: true });
  rmSync(runDir, { recursive: true, force: true });
});

const agent = (...args: string[]) => runIn(runDir, process.execPath, [bundle, ...args, '--config', join(runDir, 'agent.json')]);
const standing = async () => (await getJson(server.url, '/api/v1/devices/bundle-hash-1')).body.standing as Standing;
const tampered = async () =>
  ((await getJson(server.url, '/api/v1/alerts')).body.alerts as Alert[]).filter((a) => a.rule === 'agent.tampered' && a.deviceIds.includes('bundle-hash-1'));

describe('the code hash of the laptop bundle', () => {
  it('is the SHA-256 of the bundle file, reported by `run --once`; one changed byte under the same version is agent.tampered', async () => {
    const enrolled = await agent('enroll', '--server', server.url, '--secret-file', join(runDir, 'secret'));
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const first = await agent('run', '--once');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/"codeSource":\{"kind":"bundle"/);
    const before = (await standing()).codeHash;
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(before).not.toBe(emptyHash);
    expect(before).toBe(sha256(readFileSync(bundle)));
    expect(await tampered()).toEqual([]);

    // One byte of the banner comment: the code still runs the same, the file is not the same.
    const bytes = readFileSync(bundle);
    const at = bytes.indexOf('farmwatch laptop agent');
    expect(at).toBeGreaterThan(0);
    bytes[at] = 'F'.charCodeAt(0);
    writeFileSync(bundle, bytes);
    const second = await agent('run', '--once');
    expect(second.code, second.stderr).toBe(0);
    const after = (await standing()).codeHash;
    expect(after).toBe(sha256(bytes));
    expect(after).not.toBe(before);
    const alerts = await tampered();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.evidence).toMatchObject({ changed: ['code'], previousCodeHash: before, codeHash: after });
  }, 120_000);
});

describe("the code hash of the npm bin's bundle", () => {
  it("is the package's hash, which covers the bundle: the same whichever of the bundle and the tsc output runs", async () => {
    const built = await runIn(repoRoot, process.execPath, [join(repoRoot, 'scripts', 'package', 'build-bin.mjs')], 300_000);
    expect(built.code, built.stderr).toBe(0);
    const binDir = mkdtempSync(join(tmpdir(), 'farmwatch-codehash-bin-'));
    try {
      writeFileSync(join(binDir, 'secret'), secrets.enrollSecret, { mode: 0o600 });
      writeFileSync(join(binDir, 'agent.json'), JSON.stringify({ stateDir: join(binDir, 'state'), deviceId: 'bin-hash-1', server: { url: server.url } }));
      const bin = (...args: string[]) => runIn(binDir, process.execPath, [join(repoRoot, 'dist', 'cli', 'cli.js'), ...args, '--config', join(binDir, 'agent.json')]);
      const enrolled = await bin('enroll', '--server', server.url, '--secret-file', join(binDir, 'secret'));
      expect(enrolled.code, enrolled.stderr).toBe(0);
      const ran = await bin('run', '--once');
      expect(ran.code, ran.stderr).toBe(0);
      const dist = join(repoRoot, 'dist');
      expect(ran.stderr).toContain(`"codeSource":${JSON.stringify({ kind: 'package', root: dist })}`);
      const reported = ((await getJson(server.url, '/api/v1/devices/bin-hash-1')).body.standing as Standing).codeHash;
      const expected = await computeCodeHash({ kind: 'package', root: dist });
      expect(expected.ok && expected.hash).toBe(reported);
    } finally {
      rmSync(binDir, { recursive: true, force: true });
    }
  }, 300_000);
});
