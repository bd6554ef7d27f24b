/** Local date and hour of an instant in a laptop's IANA time zone (UTC when the zone is unknown). */
const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    } catch {
      f = formatOf('UTC');
    }
    if (formats.size < 1000) formats.set(timeZone, f);
  }
  return f;
}

export function localTime(ms: number, timeZone: string | undefined): { day: string; hour: number } {
  const parts = formatOf(timeZone || 'UTC').formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { day: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) % 24 };
}
