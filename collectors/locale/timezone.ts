/** Pure time-zone reasoning: which zone the process uses, where it came from, and what the OS says. */

export interface ZoneFacts {
  /** Intl.DateTimeFormat().resolvedOptions().timeZone of this process: the effective zone. */
  intlZone: string;
  /** The TZ environment variable, as set. */
  envTz?: string | undefined;
  /** IANA name from the /etc/localtime link. */
  localtimeZone?: string | undefined;
  /** Contents of /etc/timezone (Debian family). */
  etcTimezone?: string | undefined;
}

export interface ZoneReading {
  timezone: string;
  timezoneSource: string;
  systemTimezone?: string;
}

/** Intl's canonical spelling ("Etc/UTC" → "UTC"), or the input when Intl does not know it. */
export function canonicalZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return zone;
  }
}

/** `canonical` spells a zone as Intl does: canonicalZone, or the build's recorded answers (intl-facts.ts). */
export function resolveTimezone(f: ZoneFacts, canonical: (zone: string) => string = canonicalZone): ZoneReading {
  const system = f.localtimeZone ?? f.etcTimezone;
  const systemSource = f.localtimeZone ? '/etc/localtime' : f.etcTimezone ? '/etc/timezone' : undefined;
  const tz = f.envTz?.replace(/^:/, '').trim();
  const timezone = f.intlZone;
  let timezoneSource: string;
  if (tz) timezoneSource = 'TZ';
  else if (systemSource && system && canonical(system) === canonical(timezone)) timezoneSource = systemSource;
  else timezoneSource = 'Intl';
  const differs = system !== undefined && canonical(system) !== canonical(timezone);
  return { timezone, timezoneSource, ...(differs ? { systemTimezone: system } : {}) };
}

/** Offset of `zone` from UTC at `at`, in minutes (east positive: Asia/Pyongyang → 540). */
export function utcOffsetMinutes(at: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(at);
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}
