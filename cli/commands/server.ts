import { UsageError, parseFlags, type Io } from '../../agent/usage.js';

const help = `Usage: farmwatch server [--config FILE] [--host H] [--port N] [--db FILE]

The central server: enrollment, report ingest, fleet rules, alerts and the SOC API.
Stays in the foreground; SIGTERM or SIGINT finishes the requests in hand and exits 0.

Options:
  --config FILE   server config (JSON); default FARMWATCH_SERVER_CONFIG, else built-in defaults
  --host H        listen address (overrides "host"; default 127.0.0.1)
  --port N        listen port (overrides "port"; default 8787; 0 picks a free one)
  --db FILE|URL   SQLite database file, or a postgres:// URL (overrides "db"; default ./farmwatch.db)
  --help          this text

Without enrollSecret/adminToken in the config, they are generated on first start into
<db>.secrets.json (mode 0600) and read from there afterwards. See docs/server.md.
`;

export async function main(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags('server', args, {
    config: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    db: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`farmwatch server: --port must be 0-65535, not "${values.port}"`);
  }
  // Loaded here, not at the top: `farmwatch --help` never pays for Fastify and SQLite.
  const { describeDb, loadServerConfig, parseServerConfig } = await import('../../server/config.js');
  const { resolveSecrets } = await import('../../server/secrets.js');
  const { createServer } = await import('../../server/app.js');
  const { createLogger } = await import('../../agent/log.js');

  const loaded = await loadServerConfig(values.config, io.env);
  const config = parseServerConfig({
    ...loaded,
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(values.db !== undefined ? { db: values.db } : {}),
  }, values.config ?? 'server config');
  const log = createLogger(config.log.level);
  const secrets = await resolveSecrets(config);
  if (secrets.generated) log.warn({ file: secrets.file }, 'generated enrollSecret and adminToken; read them from this file (mode 0600)');
  if (secrets.migrated) log.info({ file: secrets.file }, 'added identifierKey to the secrets file (the key stored identifiers are hashed under)');
  // Tests of several replicas shorten the periodic jobs' tick (docs/postgres.md): FARMWATCH_TIMER_TICK_MS.
  const tick = Number(io.env.FARMWATCH_TIMER_TICK_MS ?? '');
  const server = await createServer({ config, secrets, logger: log, ...(tick > 0 ? { silenceCheckMs: tick, pruneMs: tick } : {}) });
  const address = await server.listen();
  // Started: the young generation may grow with the load from here (agent/v8-daemon.ts).
  (await import('../../agent/v8-daemon.js')).tuneV8ForListeningServer(io.env);
  log.info({ address, db: describeDb(config) }, 'farmwatch server listening');
  // One line on stdout, so scripts and tests learn the address (and the port when 0 was asked).
  io.stdout.write(`farmwatch server listening on ${address}\n`);
  io.stdout.write(`farmwatch dashboard at ${server.dashboardUrl()} (sign in with the adminToken; docs/dashboard.md)\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'shutting down');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await server.close();
  return 0;
}
