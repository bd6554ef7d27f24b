/** Local date and hour of an instant in a laptop's IANA time zone (UTC when the zone is unknown). */
const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    } catch {
      f = formatOf('UTC');
    }
    if (formats.size < 1000) formats.set(timeZone, f);
  }
  return f;
}

/**
 * Formatting costs microseconds and every report asks, mostly for the same few zones within the same minutes: the
 * answer is kept per zone for the quarter hour (UTC) it was computed in. Zone offsets and their changes fall on
 * quarter hours, so a quarter hour that starts on a local quarter hour (to the second) has one local date and hour
 * throughout; one that does not (an odd historical offset) is not kept.
 */
const quarterMs = 15 * 60_000;
const recent = new Map<string, { quarter: number; day: string; hour: number }>();

function compute(ms: number, timeZone: string): { day: string; hour: number; onQuarter: boolean } {
  const parts = formatOf(timeZone).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) % 24, onQuarter: Number(get('minute')) % 15 === 0 && Number(get('second')) === 0 };
}

export function localTime(ms: number, timeZone: string | undefined): { day: string; hour: number } {
  const zone = timeZone || 'UTC';
  if (!Number.isFinite(ms)) {
    const { day, hour } = compute(ms, zone);
    return { day, hour };
  }
  const quarter = Math.floor(ms / quarterMs);
  const kept = recent.get(zone);
  if (kept && kept.quarter === quarter) return { day: kept.day, hour: kept.hour };
  const start = compute(quarter * quarterMs, zone);
  if (!start.onQuarter) {
    const exact = compute(ms, zone);
    return { day: exact.day, hour: exact.hour };
  }
  if (recent.size >= 1000 && !kept) recent.clear();
  recent.set(zone, { quarter, day: start.day, hour: start.hour });
  return { day: start.day, hour: start.hour };
}
