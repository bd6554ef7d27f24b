import { jsonSchemas } from '../../schema/index.js';
import { parseFlags, type Io } from '../usage.js';

const usage = `Usage: farmwatch schema

Prints one JSON object whose keys (snapshot, config, report) are JSON Schemas.
`;

export async function main(args: string[], io: Io): Promise<number> {
  const { values } = parseFlags('schema', args, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  io.stdout.write(`${JSON.stringify(jsonSchemas(), null, 2)}\n`);
  return 0;
}
