import { isRelay } from './relays.js';
import type { RemoteSession } from '../../schema/snapshot/remoteSessions.js';

/** What every log parser returns: the sessions it found and how many lines that looked like one it could not read. */
export interface ParsedLog {
  sessions: RemoteSession[];
  /** Lines that matched a session marker but not its form (counted, never raised). */
  skipped: number;
}

/** An ISO string from parts read as UTC, or undefined when they do not form a real date. */
export function utcIso(y: number, mo: number, d: number, h: number, mi: number, s = 0, ms = 0): string | undefined {
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const date = new Date(t);
  if (Number.isNaN(t) || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 60) return undefined;
  return date.toISOString();
}

/** Shifts a wall-clock ISO string read as UTC by a UTC offset in minutes (local = UTC + offset). */
export function fromLocal(isoAsUtc: string, offsetMinutes: number): string {
  return new Date(Date.parse(isoAsUtc) - offsetMinutes * 60_000).toISOString();
}

/** "203.0.113.7:5938", "[2001:db8::1]:443", "2001:db8::1" → the address without its port; undefined if not an IP. */
export function addressOf(endpoint: string): string | undefined {
  const text = endpoint.trim();
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::\d+)?$/.exec(text);
  if (v6) return v6[1]!.toLowerCase();
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(text);
  if (v4) return v4[1]!.split('.').every((o) => Number(o) <= 255) ? v4[1] : undefined;
  if (/^[0-9a-fA-F:]+$/.test(text) && text.includes(':') && text.split(':').length >= 3) return text.toLowerCase();
  return undefined;
}

/** Keeps a peer id short and printable (ids are digits or e-mail-like JIDs; anything else is cut). */
export function cleanPeerId(raw: string): string | undefined {
  const id = raw.trim().replace(/[^\x21-\x7e]/g, '').slice(0, 128);
  return id.length ? id : undefined;
}

/** The peer's address from an endpoint, or undefined when it is not an IP or is a vendor relay (relays.ts). */
export function peerAddressOf(endpoint: string): string | undefined {
  const address = addressOf(endpoint);
  if (!address) return undefined;
  const port = /(?:^\d[\d.]*|\])\:(\d+)$/.exec(endpoint.trim())?.[1];
  return isRelay(address, port !== undefined ? Number(port) : undefined) ? undefined : address;
}
