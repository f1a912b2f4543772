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

const DAY_MS = 86_400_000;

/**
 * Days from 1970-01-01 to a date of the proleptic Gregorian calendar, or of the Julian calendar
 * (`julian`), by the Julian day numbers of both.
 */
export function daysFromCivil(year: number, month: number, day: number, julian = false): number {
  const a = Math.floor((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  const common = day + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4);
  const jdn = julian ? common - 32_083 : common - Math.floor(y / 100) + Math.floor(y / 400) - 32_045;
  return jdn - 2_440_588;
}

/** Days in a month of the Gregorian calendar, or of the Julian one (`julian`). */
export function monthDays(year: number, month: number, julian = false): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
  const leap = year % 4 === 0 && (julian || year % 100 !== 0 || year % 400 === 0);
  return leap ? 29 : 28;
}

/** Date, optional time (hours, minutes, seconds, fraction), optional zone; bounded repeats. */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9})\d*)?)?)?)? ?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** A date and time as text fields: year, month, day, hour, minute, second, fraction, zone. */
export type TimeFields = readonly (string | undefined)[];

/**
 * Milliseconds since 1970 of date and time fields (missing ones 0; a zone `Z`, `UTC`, `+05:30`,
 * `-6` or `+0530` taken off), on the proleptic Gregorian calendar or, with `julian`, the Julian
 * one; NaN for a date or time the calendar lacks.
 */
export function fieldsMs(f: TimeFields, julian = false): number {
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
    day > monthDays(year, month, julian) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return Number.NaN;
  const z = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(f[7] ?? "");
  const offset = z ? (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0)) : 0; // minutes east of UTC
  const ms = Math.round(Number(`0.${f[6] || "0"}`) * 1000);
  return daysFromCivil(year, month, day, julian) * DAY_MS + ((hour * 60 + minute - offset) * 60 + second) * 1000 + ms;
}

/**
 * Milliseconds since 1970 of an ISO 8601 date or date and time (`2026-11-21`,
 * `2026-11-21T12:00`, `2026-11-21 12:00:00.5Z`, `2026-11-21T12:00+01:00`), UTC where no zone
 * is given; NaN for anything else, a date the calendar lacks included.
 */
export function parseUtc(text: string): number {
  const m = ISO.exec(text.trim());
  return m ? fieldsMs(m.slice(1)) : Number.NaN;
}
