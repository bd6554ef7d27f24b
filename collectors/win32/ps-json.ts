/**
 * Reading values out of PowerShell's ConvertTo-Json (Windows PowerShell 5.1 and 7): a list of one may arrive as the
 * object itself and an empty one as null; numbers may arrive as strings; dates as ISO text or "/Date(ms)/".
 */

export function asArray(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A non-empty trimmed string, else undefined. */
export function str(v: unknown): string | undefined {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

export function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'True' || v === 'true') return true;
  if (v === 'False' || v === 'false') return false;
  return undefined;
}

/** ISO 8601 from "2026-01-15T14:03:11.0000000Z" or the 5.1 DateTime form "/Date(1768485791000)/". */
export function isoDate(v: unknown): string | undefined {
  const s = str(v);
  if (!s) return undefined;
  const ms = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(s);
  const d = ms ? new Date(Number(ms[1])) : new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
