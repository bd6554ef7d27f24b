import { randomBytes } from 'node:crypto';

/**
 * A report id: a UUID version 7 (RFC 9562 §5.7), the Unix time in milliseconds followed by random bits. The server
 * keys its reports table on it: ids in time order are appended at the end of that index, where random (v4) ids
 * touched a page at random per report (measured: 52 → 32 WAL pages per group commit, COMMIT 427 → 285 µs).
 * 74 random bits keep ids from colliding across a fleet.
 */
export function newReportId(nowMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  let ms = Math.max(0, Math.floor(nowMs));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
