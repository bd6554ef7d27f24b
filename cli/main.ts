import { dropOutputOnClosedPipe } from '../common/closed-pipe.js';
import { ConfigError } from '../common/errors.js';
import { UsageError, type CommandMain, type Io } from '../agent/usage.js';
import { agentVersion } from '../common/version.js';

interface CommandEntry {
  summary: string;
  load: () => Promise<{ main: CommandMain }>;
}

// Loaded lazily: `diagnose` never pays for the server's modules, nor `server` for the collectors.
const commands: Record<string, CommandEntry> = {
  diagnose: { summary: 'Dry run: collect, evaluate and explain; sends nothing', load: () => import('../agent/commands/diagnose.js') },
  collect: { summary: 'Print the raw snapshot (JSON) to stdout or --out FILE', load: () => import('../agent/commands/collect.js') },
  enroll: { summary: 'Enroll this device with the central server', load: () => import('../agent/commands/enroll.js') },
  run: { summary: 'The daemon: collect, evaluate and report every intervalSec', load: () => import('../agent/commands/run.js') },
  server: { summary: 'The central server: ingest, fleet rules, alerts, API', load: () => import('./commands/server.js') },
  schema: { summary: 'Print the JSON Schemas of snapshot, config and report', load: () => import('../agent/commands/schema.js') },
  demo: { summary: 'The whole system on this machine: server, this agent, simulated laptops, dashboard', load: () => import('./commands/demo.js') },
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: farmwatch <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options: --help, --version. Each command takes --help.',
    'Docs: README.md and docs/ in the package.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: Io): Promise<number> {
  dropOutputOnClosedPipe(io.stdout);
  dropOutputOnClosedPipe(io.stderr);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${agentVersion()}\n`);
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    io.stderr.write(`farmwatch: unknown command "${name}" (commands: ${Object.keys(commands).join(', ')}; see farmwatch --help)\n`);
    return 2;
  }
  try {
    const { main: run } = await entry.load();
    return await run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    io.stderr.write(`farmwatch ${name}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
