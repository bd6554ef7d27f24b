import type { Io } from '../usage.js';

// Placeholder until its issue lands; says so plainly rather than pretending.
export async function main(_args: string[], io: Io): Promise<number> {
  io.stderr.write('farmwatch run: not available in this build yet\n');
  return 1;
}
