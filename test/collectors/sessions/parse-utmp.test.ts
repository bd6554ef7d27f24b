import { describe, expect, it } from 'vitest';
import { parseUtmp } from '../../../collectors/sessions/parse-utmp.js';
import { realisticUtmp, USER_PROCESS, utmpRecord } from './utmp-builder.js';

describe('parseUtmp (hand-built records after the glibc layout)', () => {
  it('keeps USER_PROCESS records only, with every field at its offset', () => {
    const r = parseUtmp(realisticUtmp());
    expect(r.records).toBe(7);
    expect(r.remainderBytes).toBe(0);
    expect(r.entries.map((e) => [e.user, e.line, e.host, e.pid])).toEqual([
      ['kbrazil', 'ttyS0', '', 840],
      ['kbrazil', 'pts/0', '192.168.71.1', 3709],
      ['atemu', 'seat0', 'login screen', 1201],
      ['atemu', ':0', ':0', 1202],
    ]);
    expect(r.entries[1]).toMatchObject({ id: 'ts/0', tvSec: 1583001780 });
  });

  it('reads fields that fill their whole array (no NUL terminator)', () => {
    const user = 'u'.repeat(32);
    const r = parseUtmp(utmpRecord({ type: USER_PROCESS, user, line: 'pts/12345678901234567890123456789', host: 'h' }));
    expect(r.entries[0]?.user).toBe(user);
    expect(r.entries[0]?.line).toHaveLength(32);
  });

  it('parses the whole records of a truncated file and reports the remainder', () => {
    const full = realisticUtmp();
    const r = parseUtmp(full.subarray(0, 384 * 4 + 100));
    expect(r.records).toBe(4);
    expect(r.remainderBytes).toBe(100);
    expect(r.entries.map((e) => e.line)).toEqual(['ttyS0', 'pts/0']);
  });

  it('an empty file has no records', () => {
    expect(parseUtmp(Buffer.alloc(0))).toEqual({ entries: [], records: 0, remainderBytes: 0 });
  });
});
