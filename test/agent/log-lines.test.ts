import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLineLogger } from '../../agent/log-lines.js';

/** The same options as agent/log.ts, writing to an array. */
function pinoLines(level: string) {
  const lines: string[] = [];
  const log = pino(
    { level, base: { pid: process.pid }, redact: { paths: ['token', 'secret', '*.token', '*.secret', 'headers.authorization'], censor: '[redacted]' } },
    { write: (l: string) => void lines.push(l) },
  );
  return { log, lines };
}

const withoutTime = (line: string) => {
  const { time, ...rest } = JSON.parse(line) as Record<string, unknown>;
  expect(typeof time).toBe('number');
  return rest;
};

describe('the one-shot commands\' logger', () => {
  it('writes the lines pino writes: level, pid, bindings, fields, msg, redaction, level threshold', () => {
    const ours: string[] = [];
    const a = createLineLogger('warn', (l) => void ours.push(l));
    const b = pinoLines('warn');
    for (const log of [a, b.log]) {
      const child = log.child({ collector: 'network' });
      child.warn({ code: 'timeout', token: 't0p', headers: { authorization: 'Bearer x' } }, 'took too long');
      child.error('plain message');
      log.info({ ignored: true }, 'below the level');
      log.debug('below the level');
      child.fatal({ nested: { secret: 's' } }, 'fatal');
    }
    expect(ours.map(withoutTime)).toEqual(b.lines.map(withoutTime));
    expect(ours).toHaveLength(3);
  });

  it('writes nothing when silent', () => {
    const ours: string[] = [];
    const log = createLineLogger('silent', (l) => void ours.push(l));
    log.fatal('x');
    log.child({ a: 1 }).error('y');
    expect(ours).toEqual([]);
  });
});
