import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, farmwatch, writeAgentConfig } from '../../agent/agent-process.js';
import { cleanup, getJson, secrets, type Running } from '../helpers.js';
import { engines } from '../../helpers/engines.js';
import { serverOn } from '../engine-server.js';
import { adminSend } from './signed.js';

// The real `farmwatch enroll` (dist/cli/cli.js) against a real server on loopback: first enrollment, the reimaged
// laptop queued with its new key, the admin approving the key the user read out, completion by re-running enroll.

describe.each(engines)('%s engine', (_name, engine) => {
  const startServer = serverOn(engine);
  let s: Running;
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
    s = await startServer();
    dir = await mkdtemp(join(tmpdir(), 'fw-reenroll-'));
    await writeFile(join(dir, 'secret'), `${secrets.enrollSecret}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    await s.close();
    cleanup(s.dir);
    await rm(dir, { recursive: true, force: true });
  });

  /** One laptop: its own state dir (its own device key), the same device id as the others. */
  const laptop = async (name: string) => writeAgentConfig(join(dir, name), { deviceId: 'reimaged-laptop', server: { url: s.url } });
  const enroll = (config: string) => farmwatch(['enroll', '--server', s.url, '--secret-file', join(dir, 'secret'), '--config', config]);

  it('first enrollment, queued re-enrollment with the key to read out, approval of that key, completion by the same agent', async () => {
    const original = await enroll(await laptop('original'));
    expect(original.code, original.stderr).toBe(0);

    const reimaged = await laptop('reimaged');
    const queued = await enroll(reimaged);
    expect(queued.code).toBe(1);
    const printed = /Read this key to the admin: ([0-9a-f]{4}(?:-[0-9a-f]{4}){3})/.exec(queued.stderr)?.[1];
    expect(printed, queued.stderr).toBeDefined();
    expect(queued.stderr).toContain('run this same command again on this laptop');
    const pending = (await getJson(s.url, '/api/v1/enrollments/pending')).body.pending as { id: number; deviceId: string; keyFingerprintShort: string }[];
    const entry = pending.find((p) => p.deviceId === 'reimaged-laptop');
    expect(entry?.keyFingerprintShort).toBe(printed);
    expect(queued.stderr).toContain(`enrollment ${entry!.id} of device reimaged-laptop waits`);

    // The admin approves the key the user read out.
    expect((await adminSend(s.url, 'POST', `/api/v1/enrollments/${entry!.id}/approve`, { keyFingerprint: printed })).status).toBe(200);

    // Another laptop claiming the same id (its own key, the right secret) cannot take the approval.
    const intruder = await enroll(await laptop('intruder'));
    expect(intruder.code).toBe(1);
    expect(intruder.stderr).toContain('approved_for_other_key');
    expect(existsSync(join(dir, 'intruder', 'state', 'enrollment.json'))).toBe(false);

    const done = await enroll(reimaged);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('device reimaged-laptop enrolled');
    // The completed enrollment reports: signed with the approved key, accepted by the server.
    const run = await farmwatch(['run', '--once', '--config', reimaged]);
    expect(run.code, run.stderr).toBe(0);
    const history = (await getJson(s.url, '/api/v1/devices/reimaged-laptop')).body;
    expect(history.standing).toMatchObject({ signed: true, publicKeyRegistered: true });
  });
});
