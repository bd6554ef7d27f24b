/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temp dir (as the unprivileged `postgres`
 * user when run as root, since initdb refuses root), pg_ctl start on a free 127.0.0.1 port with its unix socket in
 * that dir, stop and remove at the end. Needs Debian's `postgresql` package (pg_ctl under /usr/lib/postgresql/N/bin).
 *
 *   node dist/test/helpers/pg-cluster.js   (starts one, prints FARMWATCH_TEST_PG_URL=..., stops on SIGINT/SIGTERM)
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** The newest installed server binaries, or null when PostgreSQL is not installed. */
export function pgBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:PORT/farmwatch */
  url: string;
  /** The cluster's data directory (its postmaster.pid names the server process, for CPU accounting in benchmarks). */
  dataDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `durable: false` (tests): no fsync. The benchmark keeps fsync on, as a production server would. */
export async function startPgCluster(options: { durable?: boolean } = {}): Promise<PgCluster> {
  const bin = pgBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl): apt-get install -y postgresql');
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'fw-pg-'));
  // As root, every PostgreSQL command runs as the postgres user (or nobody), which must own the directory.
  const owner = asRoot ? await run('id', ['-u', 'postgres']).then(() => 'postgres', () => 'nobody') : null;
  if (owner) {
    const uid = Number((await run('id', ['-u', owner])).stdout.trim());
    const gid = Number((await run('id', ['-g', owner])).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const pgRun = (tool: string, args: string[]) => (owner ? run('runuser', ['-u', owner, '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  const data = join(dir, 'data');
  const port = await freePort();
  try {
    await pgRun('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const conf = [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir}'`,
      'max_connections = 200',
      'shared_buffers = 128MB',
      ...(options.durable ? [] : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
    ];
    appendFileSync(join(data, 'postgresql.conf'), `\n${conf.join('\n')}\n`);
    await pgRun('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  await admin.query('CREATE DATABASE farmwatch');
  await admin.end();
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/farmwatch`,
    dataDir: data,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new empty database on the cluster of `url`, so that each test server starts from nothing. */
export async function freshDatabase(url: string): Promise<string> {
  const name = `fw_${randomBytes(6).toString('hex')}`;
  const target = new URL(url);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  target.pathname = `/${name}`;
  return target.toString();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const cluster = await startPgCluster({ durable: process.argv.includes('--durable') });
  process.stdout.write(`FARMWATCH_TEST_PG_URL=${cluster.url}\n`);
  const stop = () => void cluster.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => {}, 1 << 30);
}
