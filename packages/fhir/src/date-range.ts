/**
 * FHIR date/dateTime/instant values denote a range as wide as their precision (R4 §3.1.1.4.2 "date"):
 * `2026` is the whole year, `2026-11-23` the whole day, `2026-11-23T10:00:00Z` one second.
 * Values without a time zone are read as UTC. Returns epoch milliseconds [lo, hi] inclusive, or undefined.
 */
export function dateRange(value: string): readonly [number, number] | undefined {
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(
      value.trim(),
    );
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  const month = mo ? Number(mo) - 1 : 0;
  const day = d ? Number(d) : 1;
  // R4's date grammar has no year 0000 (and PostgreSQL has none either).
  if (year === 0 || month > 11 || day < 1 || day > 31) return undefined;
  const offset = tz && tz !== 'Z' ? offsetMinutes(tz) : 0;
  const base = utc(
    year,
    month,
    day,
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
    frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0,
  );
  if (Number.isNaN(base) || new Date(base).getUTCDate() !== day) return undefined;
  const lo = base - offset * 60_000;
  let next: number;
  if (!mo) next = utc(year + 1, 0, 1);
  else if (!d) next = utc(year, month + 1, 1);
  else if (!h) next = utc(year, month, day + 1);
  else if (!s) next = base + 60_000;
  else if (!frac) next = base + 1000;
  else next = base + 1;
  return [lo, next - offset * 60_000 - 1];
}

/** Date.UTC, except that years 0–99 stay years 0–99 (Date.UTC maps them to 1900–1999). */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

function offsetMinutes(tz: string): number {
  const sign = tz.startsWith('-') ? -1 : 1;
  const [hh, mm] = tz.slice(1).split(':').map(Number);
  return sign * ((hh ?? 0) * 60 + (mm ?? 0));
}
