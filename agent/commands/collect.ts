import { writeFile } from 'node:fs/promises';
import { collectOnce } from '../collect-once.js';
import { loadConfig } from '../config-load.js';
import { createLineLogger } from '../log-lines.js';
import { parseFlags, type Io } from '../usage.js';

const usage = `Usage: farmwatch collect [--out FILE] [--config FILE] [--log-level LEVEL]

Collects one snapshot of this machine and prints it as JSON (or writes it to FILE).
Sends nothing. Replay it later with: farmwatch diagnose --from FILE
`;

export async function main(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags('collect', args, {
    out: { type: 'string' },
    config: { type: 'string' },
    'log-level': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const { config } = await loadConfig(values.config, io.env);
  const log = createLineLogger((values['log-level'] as never) ?? 'error');
  const snapshot = await collectOnce(config, log, { probe: false });
  const json = `${JSON.stringify(snapshot, null, 2)}\n`;
  if (values.out) {
    await writeFile(values.out, json, { mode: 0o600 });
    io.stderr.write(`farmwatch collect: snapshot written to ${values.out} (${snapshot.errors.length} collector errors)\n`);
  } else {
    io.stdout.write(json);
  }
  return 0;
}
