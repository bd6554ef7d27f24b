import { pino, type Logger, type Level } from 'pino';

export { logLevels } from './log-lines.js';

/** One logger for the process: JSON lines on stderr, so stdout carries only the command's output. */
export function createLogger(level: Level | 'silent' = 'warn'): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: ['token', 'secret', '*.token', '*.secret', 'headers.authorization'], censor: '[redacted]' },
    },
    pino.destination({ dest: 2, sync: true }),
  );
}
