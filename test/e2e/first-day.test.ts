import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, cli } from '../agent/agent-process.js';
import { repoRoot, runIn, type Ran } from '../bundle/run-isolated.js';

// IT's first day, as docs/deployment.md tells it, on loopback: a private CA made with openssl, `farmwatch server` with
// TLS, a named enrollment secret from the admin API in a 0600 file, the Linux installer (--root) enrolling with the
// config's server.caFile, one agent cycle, and the first report in the API and on the dashboard's fleet page.
const openssl = '/usr/bin/openssl';
const curl = '/usr/bin/curl';
const posix = process.platform !== 'win32' && existsSync(openssl) && existsSync(curl);

let work: string;
let bundle: string;
let server: AgentProcess;
let base: string;
let port: number;
let adminToken: string;
let secretFile: string;
const tls = () => join(work, 'tls');
const deviceId = 'first-day-laptop';

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port: free } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return free;
}

async function run(file: string, args: string[], cwd = work): Promise<Ran> {
  return runIn(cwd, file, args, 120_000);
}

/** The private CA and a server certificate for localhost and 127.0.0.1: the doc's openssl commands. */
async function makeCa(dir: string, name: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const ok = async (args: string[]) => {
    const r = await run(openssl, args, dir);
    expect(r.code, r.stderr).toBe(0);
  };
  await ok(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', `/CN=${name}`]);
}

async function issue(dir: string, cn: string, altNames: string): Promise<void> {
  const ok = async (args: string[]) => {
    const r = await run(openssl, args, dir);
    expect(r.code, r.stderr).toBe(0);
  };
  writeFileSync(join(dir, `${cn}.ext`), `subjectAltName = ${altNames}\nextendedKeyUsage = serverAuth\n`);
  await ok(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${cn}.key`, '-out', `${cn}.csr`, '-subj', `/CN=${cn}`]);
  await ok(['x509', '-req', '-in', `${cn}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '825', '-extfile', `${cn}.ext`, '-out', `${cn}.pem`]);
}

/** curl with the private CA, as the doc does it (the admin token from a 0600 header file, never in argv). */
async function curlJson(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown }> {
  const args = ['-sS', '--cacert', join(tls(), 'ca.pem'), '-H', `@${join(work, 'admin-header')}`, '-o', '-', '-w', '\n%{http_code}'];
  if (init.body !== undefined) args.push('-H', 'content-type: application/json', '--data-binary', JSON.stringify(init.body));
  if (init.method) args.push('-X', init.method);
  const r = await run(curl, [...args, `${base}${path}`]);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  return { status, body: JSON.parse(lines.join('\n') || 'null') as unknown };
}

const install = (root: string, ...args: string[]) => run('sh', [join(repoRoot, 'scripts', 'package', 'install', 'linux', 'install.sh'), '--root', root, '--binary', bundle, ...args]);

function agentConfig(dir: string, config: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'agent.json');
  writeFileSync(file, JSON.stringify(config));
  return file;
}

const enroll = (config: string, secret = secretFile) => run(process.execPath, [cli, 'enroll', '--config', config, '--secret-file', secret]);

describe.skipIf(!posix)('IT\'s first day on loopback: TLS with a private CA, named secret, installer, first report (skipped without sh, openssl and curl)', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
    work = mkdtempSync(join(tmpdir(), 'farmwatch-first-day-'));
    const built = await run(process.execPath, [join(repoRoot, 'scripts', 'package', 'build-bundle.mjs'), '--out', join(work, 'build')], repoRoot);
    expect(built.code, built.stderr).toBe(0);
    bundle = join(work, 'build', 'farmwatch.cjs');

    await makeCa(tls(), 'farmwatch private CA');
    await issue(tls(), 'server', 'DNS:localhost, IP:127.0.0.1');
    port = await freePort();
    base = `https://localhost:${port}`;
    // No secrets in the config: the first start generates them into <db>.secrets.json (0600).
    const serverConfig = join(work, 'server.json');
    writeFileSync(
      serverConfig,
      JSON.stringify({ host: '127.0.0.1', port, db: join(work, 'state', 'fleet.db'), tls: { cert: join(tls(), 'server.pem'), key: join(tls(), 'server.key') } }),
      { mode: 0o640 },
    );
    mkdirSync(join(work, 'state'), { mode: 0o700 });
    server = new AgentProcess(['server', '--config', serverConfig]);
    const deadline = Date.now() + 30_000;
    while (!/listening on (\S+)/.test(server.stdout)) {
      if (server.child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${server.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(server.stdout).toContain(`listening on https://`);

    const secrets = join(work, 'state', 'fleet.db.secrets.json');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    adminToken = (JSON.parse(readFileSync(secrets, 'utf8')) as { adminToken: string }).adminToken;
    writeFileSync(join(work, 'admin-header'), `authorization: Bearer ${adminToken}\n`, { mode: 0o600 });
    writeFileSync(join(work, 'admin-token'), adminToken, { mode: 0o600 });

    // A named enrollment secret for this rollout, written to a 0600 file.
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const created = await curlJson('/api/v1/enroll-secrets', { body: { name: 'first-day-rollout', expiresAt, uses: 10 } });
    expect(created.status).toBe(201);
    secretFile = join(work, 'enroll-secret');
    writeFileSync(secretFile, `${(created.body as { secret: string }).secret}\n`, { mode: 0o600 });
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
  }, 180_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('installs and enrolls a laptop through the config\'s server.caFile, and its first report shows in the API and on the fleet page', async () => {
    const root = mkdtempSync(join(work, 'root-'));
    const state = join(root, 'var', 'lib', 'farmwatch');
    const given = agentConfig(join(work, 'laptop'), { deviceId, server: { url: base, caFile: join(tls(), 'ca.pem') }, stateDir: state });
    const installed = await install(root, '--config', given, '--secret-file', secretFile);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/, enrolled$/m);
    expect(statSync(join(state, 'enrollment.json')).mode & 0o777).toBe(0o600);

    const cycle = await run(join(root, 'opt', 'farmwatch', 'farmwatch'), ['run', '--once', '--config', join(root, 'etc', 'farmwatch', 'agent.json')]);
    expect(cycle.code, cycle.stderr).toBe(0);

    const devices = await curlJson('/api/v1/devices');
    expect(devices.status).toBe(200);
    const listed = (devices.body as { devices: { deviceId: string; lastSeen: string | null; level: string | null }[] }).devices;
    const laptop = listed.find((d) => d.deviceId === deviceId);
    expect(laptop, JSON.stringify(devices.body)).toBeDefined();
    expect(laptop!.lastSeen).toBeTruthy();

    // The dashboard: sign in with the admin token (a form post, as a browser does), then the fleet page lists the laptop.
    const jar = join(work, 'cookies');
    const signIn = await run(curl, ['-sS', '--cacert', join(tls(), 'ca.pem'), '-c', jar, '-o', '/dev/null', '-w', '%{http_code}', '--data-urlencode', `token@${join(work, 'admin-token')}`, `${base}/dashboard/login`]);
    expect(signIn.code, signIn.stderr).toBe(0);
    expect(signIn.stdout).toBe('303');
    const fleet = await run(curl, ['-sS', '--cacert', join(tls(), 'ca.pem'), '-b', jar, `${base}/dashboard/`]);
    expect(fleet.code, fleet.stderr).toBe(0);
    expect(fleet.stdout).toContain(`/dashboard/devices/${deviceId}`);
  });

  it('the macOS installer (--root, run here with sh) enrolls through the config\'s server.caFile too', async () => {
    const root = mkdtempSync(join(work, 'mac-root-'));
    const home = join(root, 'Library', 'Application Support', 'farmwatch');
    const given = agentConfig(join(work, 'mac-laptop'), { deviceId: 'first-day-mac', server: { url: base, caFile: join(tls(), 'ca.pem') } });
    const installed = await run('sh', [join(repoRoot, 'scripts', 'package', 'install', 'macos', 'install.sh'), '--root', root, '--binary', bundle, '--config', given, '--secret-file', secretFile]);
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toMatch(/enrolled/);
    expect(statSync(join(home, 'enrollment.json')).mode & 0o777).toBe(0o600);
  });

  it('a CA that did not sign the server\'s certificate: enroll names the certificate problem and server.caFile, and the installer adds no advice', async () => {
    await makeCa(join(work, 'other-ca'), 'someone else');
    const config = agentConfig(join(work, 'wrong-ca'), { deviceId: 'wrong-ca-laptop', server: { url: base, caFile: join(work, 'other-ca', 'ca.pem') }, stateDir: join(work, 'wrong-ca', 'state') });
    const r = await enroll(config);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/certificate not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    expect(r.stderr).toContain(`server.caFile ${join(work, 'other-ca', 'ca.pem')} is not the CA that signed the server's certificate`);
    expect(r.stderr).not.toMatch(/cannot reach/);

    // No caFile at all: the private CA is unknown to Node's bundled roots.
    const bare = agentConfig(join(work, 'no-ca'), { deviceId: 'no-ca-laptop', server: { url: base }, stateDir: join(work, 'no-ca', 'state') });
    const none = await enroll(bare);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/certificate not trusted .*set server\.caFile/);

    const root = mkdtempSync(join(work, 'root-'));
    const installed = await install(root, '--config', config, '--secret-file', secretFile);
    expect(installed.code).toBe(3);
    expect(installed.stderr).toMatch(/certificate not trusted/);
    expect(installed.stderr).not.toContain('--secret-file');
  });

  it('a certificate issued for another name: enroll says hostname mismatch', async () => {
    await issue(tls(), 'elsewhere', 'DNS:elsewhere.example');
    const other = createHttpsServer({ cert: readFileSync(join(tls(), 'elsewhere.pem')), key: readFileSync(join(tls(), 'elsewhere.key')) }, (_req, res) => res.end());
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    try {
      const url = `https://127.0.0.1:${(other.address() as { port: number }).port}`;
      const config = agentConfig(join(work, 'mismatch'), { deviceId: 'mismatch-laptop', server: { url, caFile: join(tls(), 'ca.pem') }, stateDir: join(work, 'mismatch', 'state') });
      const r = await enroll(config);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/certificate hostname mismatch \(ERR_TLS_CERT_ALTNAME_INVALID\).*not issued for 127\.0\.0\.1/);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });

  it('nothing listening: enroll says the connection was refused', async () => {
    const url = `https://127.0.0.1:${await freePort()}`;
    const config = agentConfig(join(work, 'refused'), { deviceId: 'refused-laptop', server: { url, caFile: join(tls(), 'ca.pem') }, stateDir: join(work, 'refused', 'state') });
    const r = await enroll(config);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/connection refused by 127\.0\.0\.1:\d+ \(ECONNREFUSED\): nothing listens there/);
  });

  it('a server that accepts and never answers: enroll says timeout', async () => {
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const url = `https://127.0.0.1:${(silent.address() as { port: number }).port}`;
      const config = agentConfig(join(work, 'timeout'), { deviceId: 'timeout-laptop', server: { url, caFile: join(tls(), 'ca.pem'), timeoutMs: 1000 }, stateDir: join(work, 'timeout', 'state') });
      const r = await enroll(config);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/timeout: 127\.0\.0\.1:\d+ did not answer in time/);
    } finally {
      silent.close();
    }
  });

  it('a name that does not resolve: enroll says DNS', async () => {
    const config = agentConfig(join(work, 'dns'), { deviceId: 'dns-laptop', server: { url: 'https://farmwatch.invalid:8443', caFile: join(tls(), 'ca.pem') }, stateDir: join(work, 'dns', 'state') });
    const r = await enroll(config);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DNS: farmwatch\.invalid does not resolve \((ENOTFOUND|EAI_AGAIN)\)/);
  });

  it('409, the device already enrolled: the approval flow\'s lines, and no "--secret-file" advice from enroll or the installer', async () => {
    // The same deviceId from another state dir (a reimaged laptop: a new key) waits for an admin's approval.
    const config = agentConfig(join(work, 'reimaged'), { deviceId, server: { url: base, caFile: join(tls(), 'ca.pem') }, stateDir: join(work, 'reimaged', 'state') });
    const r = await enroll(config);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/waits for an admin's approval/);
    expect(r.stderr).toMatch(/Read this key to the admin: /);
    expect(r.stderr).toContain(`the admin resets it (dashboard: the device's page, Reset; or POST /api/v1/devices/${deviceId}/reset)`);
    expect(r.stderr).not.toContain('--secret-file');

    const root = mkdtempSync(join(work, 'root-'));
    const reimagedState = join(root, 'var', 'lib', 'farmwatch');
    const given = agentConfig(join(work, 'reimaged-install'), { deviceId, server: { url: base, caFile: join(tls(), 'ca.pem') }, stateDir: reimagedState });
    const installed = await install(root, '--config', given, '--secret-file', secretFile);
    expect(installed.code).toBe(3);
    expect(installed.stderr).toMatch(/waits for an admin's approval/);
    expect(installed.stderr).not.toContain('--secret-file');

    // A revoked device: the server's answer names the reset, and enroll passes it on.
    const revoked = await curlJson(`/api/v1/devices/${deviceId}/revoke`, { method: 'POST' });
    expect(revoked.status).toBe(200);
    const again = await enroll(config);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/POST \/api\/v1\/devices\/:id\/reset/);
    expect(again.stderr).not.toContain('--secret-file');
  });
});
