/**
 * Pure parser of glibc's utmp file (/var/run/utmp) on Linux, struct utmp from <bits/utmp.h>:
 *
 *   off size field
 *     0    2 ut_type (short) + 2 bytes padding
 *     4    4 ut_pid
 *     8   32 ut_line     (device without "/dev/")
 *    40    4 ut_id
 *    44   32 ut_user
 *    76  256 ut_host
 *   332    4 ut_exit     (two shorts)
 *   336    4 ut_session  (int32, also on 64-bit: __WORDSIZE_TIME64_COMPAT32)
 *   340    8 ut_tv       (tv_sec, tv_usec as int32)
 *   348   16 ut_addr_v6
 *   364   20 unused
 *   = 384 bytes per record, host byte order (little-endian on x86 and arm).
 */

export const UTMP_RECORD_SIZE = 384;
/** ut_type of a logged-in user (utmp.h). */
export const USER_PROCESS = 7;

export interface UtmpEntry {
  type: number;
  pid: number;
  line: string;
  id: string;
  user: string;
  host: string;
  /** Seconds since the epoch. */
  tvSec: number;
}

export interface UtmpParse {
  /** USER_PROCESS records only. */
  entries: UtmpEntry[];
  records: number;
  /** Bytes after the last whole record (a file cut short or being written). */
  remainderBytes: number;
}

function cString(buf: Buffer, offset: number, size: number): string {
  const slice = buf.subarray(offset, offset + size);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? size : nul).toString('utf8');
}

export function parseUtmp(buf: Buffer): UtmpParse {
  const records = Math.floor(buf.length / UTMP_RECORD_SIZE);
  const entries: UtmpEntry[] = [];
  for (let i = 0; i < records; i++) {
    const o = i * UTMP_RECORD_SIZE;
    const type = buf.readInt16LE(o);
    if (type !== USER_PROCESS) continue;
    entries.push({
      type,
      pid: buf.readInt32LE(o + 4),
      line: cString(buf, o + 8, 32),
      id: cString(buf, o + 40, 4),
      user: cString(buf, o + 44, 32),
      host: cString(buf, o + 76, 256),
      tvSec: buf.readInt32LE(o + 340),
    });
  }
  return { entries, records, remainderBytes: buf.length - records * UTMP_RECORD_SIZE };
}
