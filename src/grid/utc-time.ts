/**
 * Times written as text (a `--cycle`, a `train.sequence.until`, a time series' band labels): ISO
 * 8601 dates and times, a time without a zone read as UTC, as weather data is. `Date.parse` is
 * not used: it reads a time without a zone in the machine's time zone (a cycle an hour off in
 * Berlin), takes "12" or "band 1" for 2001 and rolls February 30th over into March.
 *
 * @example
 * ```ts
 * import { parseUtc } from "tilecast";
 * new Date(parseUtc("2026-11-21T12:00")).toISOString(); // "2026-11-21T12:00:00.000Z"
 * parseUtc("12"); // NaN
 * ```
 */

import { type Calendar, daysFromDate, monthDays } from "./calendars.js";

const DAY_MS = 86_400_000;

/** Date, optional time (hours, minutes, seconds, fraction), optional zone; bounded repeats. */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9})\d*)?)?)?)? ?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** A date and time as text fields: year, month, day, hour, minute, second, fraction, zone. */
export type TimeFields = readonly (string | undefined)[];

/**
 * Milliseconds since 1970 of date and time fields (missing ones 0; a zone `Z`, `UTC`, `+05:30`,
 * `-6` or `+0530` taken off), in a calendar's count of days ({@link daysFromDate}: real time in
 * the proleptic Gregorian one, the default); NaN for a date or time the calendar lacks.
 */
export function fieldsMs(f: TimeFields, calendar: Calendar = "proleptic_gregorian"): number {
  const [year, month, day, hour, minute, second] = f.slice(0, 6).map((v) => Number(v ?? 0)) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > monthDays(year, month, calendar) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return Number.NaN;
  const z = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(f[7] ?? "");
  const offset = z ? (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0)) : 0; // minutes east of UTC
  const ms = Math.round(Number(`0.${f[6] || "0"}`) * 1000);
  return daysFromDate(year, month, day, calendar) * DAY_MS + ((hour * 60 + minute - offset) * 60 + second) * 1000 + ms;
}

/**
 * Milliseconds since 1970 of an ISO 8601 date or date and time (`2026-11-21`,
 * `2026-11-21T12:00`, `2026-11-21 12:00:00.5Z`, `2026-11-21T12:00+01:00`), UTC where no zone
 * is given; NaN for anything else, a date the calendar lacks included.
 */
export function parseUtc(text: string): number {
  const f = isoFields(text);
  return f ? fieldsMs(f) : Number.NaN;
}

/** The fields of an ISO 8601 date or date and time, unchecked; null when the text is not one. */
export function isoFields(text: string): TimeFields | null {
  const m = ISO.exec(text.trim());
  return m ? m.slice(1) : null;
}
