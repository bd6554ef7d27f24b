import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { isAbsolute } from 'node:path';
import { loadConfig, stateDirOf } from '../config-load.js';
import { deviceIdFromHardwareId, readHardwareId } from '../identity.js';
import { createLogger } from '../log.js';
import { saveEnrollment } from '../state.js';
import { createHash } from 'node:crypto';
import { savePolicyFrom } from '../policy.js';
import { deviceKeyFile, enrollSignature, ensureKeyPair } from '../signing.js';
import { keyFingerprint, shortFingerprint } from '../../schema/enroll-proof.js';
import { describeConnectFailure } from '../connect-error.js';
import { createTransport, TransportFileError } from '../transport.js';
import { parseFlags, UsageError, type Io } from '../usage.js';
import { agentVersion } from '../../common/version.js';
import { enrollResponseSchema, type EnrollRequest } from '../../schema/report.js';

const usage = `Usage: farmwatch enroll --server URL (--secret-file FILE | --secret SECRET) [--config FILE] [--state-dir DIR]

Obtains this device's token and the fleet's hashing key from the server and saves them in the state
directory (mode 0600). Prefer --secret-file: a secret in argv shows in \`ps\`.
The deviceId is config deviceId, else a hash of the machine id (/etc/machine-id, IOPlatformUUID, MachineGuid).
--state-dir DIR saves the credentials in DIR instead of the config's stateDir (packaging into another root).
The server's certificate is checked against the config's server.caFile when set.
Exit codes: 0 enrolled, 1 refused by the server or unreachable, 2 usage or config error. See docs/agent.md.
`;

export async function main(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags('enroll', args, {
    server: { type: 'string' },
    'secret-file': { type: 'string' },
    secret: { type: 'string' },
    config: { type: 'string' },
    'state-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const { config } = await loadConfig(values.config, io.env);
  const log = createLogger(config.log.level === 'info' ? 'warn' : config.log.level);
  const server = values.server ?? config.server?.url;
  if (!server) throw new UsageError('farmwatch enroll: --server URL is required (see farmwatch enroll --help)');
  if (!/^https?:\/\//.test(server) || !URL.canParse(server)) throw new UsageError(`farmwatch enroll: --server must be an http(s) URL, got "${server}"`);
  if (config.server?.url && new URL(config.server.url).origin !== new URL(server).origin) {
    throw new UsageError(`farmwatch enroll: --server ${server} differs from config server.url ${config.server.url}; the agent only talks to its configured server`);
  }
  const secret = await secretFrom(values['secret-file'], values.secret, config.enrollSecret);
  const deviceId = config.deviceId ?? (await derivedDeviceId());

  const endpoint = new URL('/api/v1/enroll', server).toString();
  const stateDirFlag = values['state-dir'];
  if (stateDirFlag !== undefined && !isAbsolute(stateDirFlag)) throw new UsageError(`farmwatch enroll: --state-dir must be an absolute path, got "${stateDirFlag}"`);
  const stateDir = stateDirFlag ?? stateDirOf(config);
  // The device's signing key (made once, 0600) and a hash of the machine id, a hint for collision checks only.
  const publicKey = await ensureKeyPair(stateDir);
  // An explicit deviceId in config is the admin's statement of identity (labs, several agents on one host): no hardware check then.
  const hardwareId = config.deviceId ? undefined : await readHardwareId();
  const body: EnrollRequest = {
    secret,
    deviceId,
    hostname: hostname(),
    platform: process.platform,
    agentVersion: agentVersion(),
    publicKey,
    ...(hardwareId ? { hardwareId: createHash('sha256').update(hardwareId).digest('hex') } : {}),
  };
  const { default: fetch } = await import('node-fetch');
  let transport;
  try {
    transport = createTransport({
      serverUrl: server,
      caFile: config.server?.caFile,
      clientCert: config.server?.clientCert,
      clientKey: config.server?.clientKey,
      proxy: config.server?.proxy,
    });
  } catch (err) {
    if (err instanceof TransportFileError) throw new UsageError(`farmwatch enroll: ${err.message}`);
    throw err;
  }
  // Signed with the device key: only this laptop can complete an enrollment an admin approved for that key.
  const text = JSON.stringify(body);
  const proof = await enrollSignature(stateDir, text);
  const fingerprint = shortFingerprint(keyFingerprint(publicKey) ?? '');
  let response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...proof },
      body: text,
      agent: transport,
      signal: AbortSignal.timeout(config.server?.timeoutMs ?? 15_000),
      redirect: 'error',
    });
  } catch (err) {
    // The cause (certificate, DNS, refused, timeout) and its fix: "cannot reach" alone sends IT to the firewall.
    const failure = describeConnectFailure(err, { url: endpoint, caFile: config.server?.caFile });
    io.stderr.write(`farmwatch enroll: ${endpoint}: ${failure.message}\n`);
    return 1;
  } finally {
    transport.destroy();
  }
  const answer = await response.text().catch(() => '');
  const refusal = refusalOf(answer);
  if (response.status === 409) {
    const pending = pendingOf(answer);
    if (pending) {
      const why = pending.error === 'pending_approval' ? pending.reason : `device ${deviceId} is already enrolled`;
      io.stderr.write(
        `farmwatch enroll: enrollment ${pending.id} of device ${deviceId} waits for an admin's approval (${why}).\n` +
          `  Read this key to the admin: ${fingerprint}\n` +
          `  The admin approves enrollment ${pending.id} only if the dashboard (Enrollments) shows the same key, then run this same command again on this laptop.\n` +
          `  Keep ${deviceKeyFile(stateDir)}: only the key above can complete this enrollment.\n` +
          (pending.error === 'already_enrolled'
            ? `  Or, if the enrolled device is gone, the admin resets it (dashboard: the device's page, Reset; or POST /api/v1/devices/${encodeURIComponent(deviceId)}/reset), then run this same command again.\n`
            : ''),
      );
      return 1;
    }
    if (refusal?.message) {
      io.stderr.write(`farmwatch enroll: the server refused the enrollment (${refusal.error}): ${refusal.message}\n`);
      return 1;
    }
    io.stderr.write(
      `farmwatch enroll: device ${deviceId} is already enrolled; an admin resets it (dashboard: the device's page, Reset; or POST /api/v1/devices/${encodeURIComponent(deviceId)}/reset), then run this command again\n`,
    );
    return 1;
  }
  if (response.status === 401 || response.status === 403) {
    // Refusals about the key or its signature say so; anything else is about the secret.
    if (refusal && ['signature_required', 'bad_signature', 'clock_skew', 'enrollment_denied'].includes(refusal.error)) {
      io.stderr.write(`farmwatch enroll: the server refused the enrollment (HTTP ${response.status}, ${refusal.error}): ${refusal.message}\n`);
    } else {
      io.stderr.write(`farmwatch enroll: the server refused the enrollment secret (HTTP ${response.status}${refusal ? `, ${refusal.error}` : ''}); check --secret-file\n`);
    }
    return 1;
  }
  if (response.status !== 200 && response.status !== 201) {
    io.stderr.write(`farmwatch enroll: ${endpoint} answered HTTP ${response.status}: ${answer.slice(0, 300)}\n`);
    return 1;
  }
  let parsed;
  try {
    parsed = enrollResponseSchema.safeParse(JSON.parse(answer));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) {
    io.stderr.write(`farmwatch enroll: ${endpoint} answered HTTP ${response.status} without a valid enrollment (deviceId, token, fleetKey)\n`);
    return 1;
  }
  if (parsed.data.policy) await savePolicyFrom(stateDir, parsed.data.policy);
  const file = await saveEnrollment(stateDir, {
    deviceId: parsed.data.deviceId,
    token: parsed.data.token,
    fleetKey: parsed.data.fleetKey,
    serverUrl: server,
    enrolledAt: new Date().toISOString(),
  });
  log.debug({ deviceId: parsed.data.deviceId, server }, 'enrolled');
  io.stdout.write(`farmwatch enroll: device ${parsed.data.deviceId} enrolled with ${new URL(server).origin}; credentials saved in ${file}\n`);
  return 0;
}

async function secretFrom(file: string | undefined, inline: string | undefined, fromConfig: string | undefined): Promise<string> {
  if (file !== undefined && inline !== undefined) throw new UsageError('farmwatch enroll: give --secret-file or --secret, not both');
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(`farmwatch enroll: cannot read --secret-file ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    const secret = text.trim();
    if (!secret) throw new UsageError(`farmwatch enroll: --secret-file ${file} is empty`);
    return secret;
  }
  const secret = inline ?? fromConfig;
  if (!secret) throw new UsageError('farmwatch enroll: --secret-file FILE (or --secret SECRET) is required (see farmwatch enroll --help)');
  return secret;
}

async function derivedDeviceId(): Promise<string> {
  const hardwareId = await readHardwareId();
  if (!hardwareId) {
    throw new UsageError('farmwatch enroll: no machine id found (/etc/machine-id, IOPlatformUUID or MachineGuid); set deviceId in the config');
  }
  return deviceIdFromHardwareId(hardwareId);
}

/** The approval-queue entry of a 409 answer, when the server queued this enrollment. */
function pendingOf(text: string): { id: number; reason: string; error: string } | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown; pending?: { id?: unknown; reason?: unknown } };
    const pending = body.pending;
    return typeof pending?.id === 'number' ? { id: pending.id, reason: String(pending.reason ?? ''), error: String(body.error) } : undefined;
  } catch {
    return undefined;
  }
}

/** The `error` and `message` of a refusal, for a line that says what the server said. */
function refusalOf(text: string): { error: string; message: string } | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    return typeof body.error === 'string' ? { error: body.error.slice(0, 64), message: String(body.message ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 500) } : undefined;
  } catch {
    return undefined;
  }
}
