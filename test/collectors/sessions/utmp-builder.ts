/**
 * Builds utmp records by hand after glibc's documented struct utmp layout (<bits/utmp.h>, 384 bytes,
 * little-endian): the fixtures of these tests are written here, not recorded (this machine has no utmp).
 */
export interface RecordSpec {
  type: number;
  pid?: number;
  line?: string;
  id?: string;
  user?: string;
  host?: string;
  tvSec?: number;
}

export const LOGIN_PROCESS = 6;
export const USER_PROCESS = 7;
export const DEAD_PROCESS = 8;
export const BOOT_TIME = 2;

export function utmpRecord(r: RecordSpec): Buffer {
  const b = Buffer.alloc(384);
  b.writeInt16LE(r.type, 0);
  b.writeInt32LE(r.pid ?? 0, 4);
  b.write(r.line ?? '', 8, 32, 'utf8');
  b.write(r.id ?? '', 40, 4, 'utf8');
  b.write(r.user ?? '', 44, 32, 'utf8');
  b.write(r.host ?? '', 76, 256, 'utf8');
  b.writeInt32LE(r.tvSec ?? 0, 340);
  b.writeInt32LE(123456, 344); // tv_usec, ignored
  return b;
}

/** Modeled on the real `who` captures: jc centos-7.7 (ttyS0, ssh from 192.168.71.1) and jc login-screen (seat0, :0). */
export function realisticUtmp(): Buffer {
  return Buffer.concat([
    utmpRecord({ type: BOOT_TIME, line: '~', user: 'reboot', host: '3.10.0-1062.el7.x86_64', tvSec: 1582978380 }),
    utmpRecord({ type: LOGIN_PROCESS, pid: 841, line: 'tty1', id: 'tty1', user: 'LOGIN', tvSec: 1582978380 }),
    utmpRecord({ type: USER_PROCESS, pid: 840, line: 'ttyS0', id: 'tyS0', user: 'kbrazil', tvSec: 1582978440 }),
    utmpRecord({ type: USER_PROCESS, pid: 3709, line: 'pts/0', id: 'ts/0', user: 'kbrazil', host: '192.168.71.1', tvSec: 1583001780 }),
    utmpRecord({ type: DEAD_PROCESS, pid: 3381, line: 'pts/1', id: 'ts/1', tvSec: 1583000880 }),
    utmpRecord({ type: USER_PROCESS, pid: 1201, line: 'seat0', user: 'atemu', host: 'login screen', tvSec: 1697918760 }),
    utmpRecord({ type: USER_PROCESS, pid: 1202, line: ':0', user: 'atemu', host: ':0', tvSec: 1697918760 }),
  ]);
}
