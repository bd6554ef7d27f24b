import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { readHardwareId } from '../../agent/identity.js';
import { parseFlags, UsageError, type Io } from '../../agent/usage.js';

const usage = `Usage: farmwatch demo [--port N] [--cycles N]

The whole system on this machine, for a first look: a server on 127.0.0.1 with its SQLite file in a new
temporary directory, this machine's agent enrolled and run for a few cycles, and five simulated laptops
(hostnames SIMULATED-…, labelled in their evidence too) so that alerts and a co-location cluster show.
Prints the dashboard URL and a one-time sign-in link. Ctrl-C (SIGINT) or SIGTERM stops everything and
deletes the temporary directory. Nothing leaves this machine.
  --port N     dashboard/server port (default 0: a free one)
  --cycles N   agent cycles to run on this machine (default 3)
See docs/dashboard.md.
`;

class Stopped extends Error {}

export async function main(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags('demo', args, { port: { type: 'string' }, cycles: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const port = intFlag('port', values.port, 0, 0, 65535);
  const cycles = intFlag('cycles', values.cycles, 3, 1, 20);
  const say = (line: string) => io.stdout.write(`farmwatch demo: ${line}\n`);

  // Ctrl-C at any point: the step in hand finishes, then everything is closed and removed.
  let stopRequested = false;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const onSignal = () => {
    stopRequested = true;
    wake();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const check = () => {
    if (stopRequested) throw new Stopped();
  };

  const dir = await mkdtemp(join(tmpdir(), 'farmwatch-demo-'));
  let server: Closable | undefined;
  try {
    const { parseServerConfig } = await import('../../server/config.js');
    const { resolveSecrets } = await import('../../server/secrets.js');
    const { createServer } = await import('../../server/app.js');
    const { createLogger } = await import('../../agent/log.js');
    const { seedSimulatedFleet } = await import('../demo/simulated-fleet.js');

    say(`starting a server on 127.0.0.1 (SQLite in ${dir})`);
    const config = parseServerConfig({
      host: '127.0.0.1',
      port,
      db: join(dir, 'farmwatch.db'),
      // Every demo report comes over loopback: as egress it is not a shared place, so only the simulated farm clusters.
      // (Not officeNetworks: routers first seen from there would be learned as offices, the farm's among them.)
      egressNetworks: ['127.0.0.0/8', '::1/128'],
      silentGraceHours: 1,
      log: { level: 'warn' },
    });
    const secrets = await resolveSecrets(config);
    let offsetMs = 0;
    const running = await createServer({ config, secrets, logger: createLogger('warn'), now: () => new Date(Date.now() - offsetMs) });
    server = running;
    const url = await running.listen();
    say(`server listening on ${url}`);
    check();

    // This machine's agent, with its own state dir in the demo directory, through the real enroll and run commands.
    const agentDir = join(dir, 'agent');
    const agentConfig = join(dir, 'agent.json');
    const secretFile = join(dir, 'enroll-secret');
    await writeFile(secretFile, `${secrets.enrollSecret}\n`, { mode: 0o600 });
    const deviceId = (await readHardwareId()) ? undefined : `demo-${hostname()}`.slice(0, 128);
    await writeFile(
      agentConfig,
      `${JSON.stringify({
        server: { url }, stateDir: join(agentDir, 'state'), report: { snapshot: 'always' }, log: { level: 'warn' },
        // The agent shares this process with the server here: its self-restraint would measure both.
        budget: { cpuMsPerCycle: 5000, rssMiB: 2048 }, ...(deviceId ? { deviceId } : {}),
      }, null, 2)}\n`,
      { mode: 0o600 },
    );
    const quiet = captureIo(io);
    const enroll = await import('../../agent/commands/enroll.js');
    if ((await enroll.main(['--server', url, '--secret-file', secretFile, '--config', agentConfig], quiet.io)) !== 0) {
      throw new Error(`enrolling this machine failed: ${quiet.text()}`);
    }
    say(`enrolled this machine (${hostname()})`);
    const run = await import('../../agent/commands/run.js');
    for (let i = 1; i <= cycles; i++) {
      check();
      if ((await run.main(['--once', '--config', agentConfig], quiet.io)) !== 0) throw new Error(`agent cycle ${i} failed: ${quiet.text()}`);
      say(`agent cycle ${i} of ${cycles} on this machine: collected, evaluated, reported`);
    }
    check();

    await seedSimulatedFleet({ serverUrl: url, enrollSecret: secrets.enrollSecret, setClockOffset: (ms) => (offsetMs = ms), log: say });
    const silent = await running.runSilenceCheck();
    say(`fleet checks done (${silent} silent agent${silent === 1 ? '' : 's'})`);
    check();

    const link = running.dashboard.loginLink(url, 60 * 60_000);
    io.stdout.write(
      [
        '',
        'farmwatch demo is running.',
        `  Dashboard: ${running.dashboardUrl()}`,
        `  Sign in:   ${link}`,
        '             (one-time link, valid 1 hour; or sign in with the adminToken in',
        `              ${secrets.file ?? join(dir, 'farmwatch.db.secrets.json')})`,
        `Press Ctrl-C to stop; ${dir} is then removed.`,
        '',
      ].join('\n'),
    );
    await stopped;
    say('stopping');
  } catch (err) {
    if (!(err instanceof Stopped)) {
      io.stderr.write(`farmwatch demo: ${(err as Error).message}\n`);
      await cleanUp(server, dir, say);
      return 1;
    }
    say('stopping');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  await cleanUp(server, dir, say);
  return 0;
}

type Closable = { close(): Promise<void> };

async function cleanUp(server: Closable | undefined, dir: string, say: (line: string) => void): Promise<void> {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
  say(`stopped; removed ${dir}`);
}

function intFlag(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`farmwatch demo: --${name} must be ${min}-${max}, not "${text}"`);
  return n;
}

/** The agent commands' own output, kept for an error message instead of mixed into the demo's progress lines. */
function captureIo(io: Io): { io: Io; text: () => string } {
  let text = '';
  const sink = () => {
    const s = new PassThrough();
    s.on('data', (chunk: Buffer) => (text = (text + chunk.toString()).slice(-4000)));
    return s;
  };
  return { io: { stdout: sink(), stderr: sink(), env: io.env }, text: () => text.trim() };
}
