/**
 * The calendars CF time coordinates are kept in, as day counts. The proleptic Gregorian and
 * Julian calendars count real days since 1970-01-01 (Gregorian), so their dates are instants.
 * Climate models' idealized calendars (`noleap`: every February 28 days; `all_leap`: 29;
 * `360_day`: twelve months of 30 days) count their own days from their own 1970-01-01: a model
 * year has 365, 366 or 360 of them, so their dates are not instants, yet steps in them are
 * regular, as the model ran them.
 *
 * @example
 * ```ts
 * import { dateFromDays, daysFromDate } from "tilecast";
 * daysFromDate(1970, 3, 1, "360_day"); // 60
 * dateFromDays(59, "360_day"); // [1970, 2, 30]
 * ```
 */

/** A calendar tilecast counts days in. */
export type Calendar = "proleptic_gregorian" | "julian" | "noleap" | "all_leap" | "360_day";

/** CF's calendar names (lower case) that name one of {@link Calendar} outright. */
export const CF_CALENDARS: Readonly<Record<string, Calendar>> = {
  proleptic_gregorian: "proleptic_gregorian",
  julian: "julian",
  noleap: "noleap",
  "365_day": "noleap",
  all_leap: "all_leap",
  "366_day": "all_leap",
  "360_day": "360_day",
};

/** CF's names of calendars whose dates are the Gregorian calendar's (before 1582-10-15 too, or not). */
const GREGORIAN = new Set(["standard", "gregorian", "proleptic_gregorian"]);

/**
 * The calendar a CF `calendar` attribute counts days in (any case; empty is `standard`): the
 * Gregorian names count as `proleptic_gregorian`, the others as {@link CF_CALENDARS} has them;
 * undefined for a name CF does not define.
 */
export function countedCalendar(name: string): Calendar | undefined {
  const cal = name.trim().toLowerCase() || "standard";
  return GREGORIAN.has(cal) ? "proleptic_gregorian" : CF_CALENDARS[cal];
}

/** Days a year of an idealized calendar has, by calendar. */
const YEAR_DAYS: Readonly<Record<string, number>> = { noleap: 365, all_leap: 366, "360_day": 360 };

const COMMON = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month (1-12) of a year. */
export function monthDays(year: number, month: number, calendar: Calendar = "proleptic_gregorian"): number {
  if (calendar === "360_day") return 30;
  if (month !== 2) return COMMON[month - 1] as number;
  if (calendar === "noleap") return 28;
  if (calendar === "all_leap") return 29;
  const leap = year % 4 === 0 && (calendar === "julian" || year % 100 !== 0 || year % 400 === 0);
  return leap ? 29 : 28;
}

/** Days before the first of a month (1-12) in an idealized calendar's year. */
function daysBeforeMonth(month: number, calendar: Calendar): number {
  if (calendar === "360_day") return 30 * (month - 1);
  let d = 0;
  for (let m = 1; m < month; m++) d += monthDays(1, m, calendar);
  return d;
}

/**
 * Days from 1970-01-01 to a date: real days (from the Gregorian 1970-01-01, by Julian day
 * numbers) in the Gregorian and Julian calendars, the calendar's own days in the others.
 */
export function daysFromDate(
  year: number,
  month: number,
  day: number,
  calendar: Calendar = "proleptic_gregorian",
): number {
  const perYear = YEAR_DAYS[calendar];
  if (perYear !== undefined) return (year - 1970) * perYear + daysBeforeMonth(month, calendar) + day - 1;
  const a = Math.floor((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  const common = day + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4);
  const jdn = calendar === "julian" ? common - 32_083 : common - Math.floor(y / 100) + Math.floor(y / 400) - 32_045;
  return jdn - 2_440_588;
}

/** The date (year, month, day) a count of {@link daysFromDate} names. */
export function dateFromDays(days: number, calendar: Calendar = "proleptic_gregorian"): [number, number, number] {
  const perYear = YEAR_DAYS[calendar];
  if (perYear !== undefined) {
    const year = 1970 + Math.floor(days / perYear);
    let rest = days - (year - 1970) * perYear;
    let month = 1;
    while (rest >= monthDays(year, month, calendar)) rest -= monthDays(year, month++, calendar);
    return [year, month, rest + 1];
  }
  // Julian day number to a civil date (Richards' algorithm), Julian or Gregorian.
  const jdn = days + 2_440_588;
  const f =
    calendar === "julian"
      ? jdn + 1401
      : jdn + 1401 + Math.floor((Math.floor((4 * jdn + 274_277) / 146_097) * 3) / 4) - 38;
  const e = 4 * f + 3;
  const g = Math.floor((e % 1461) / 4);
  const h = 5 * g + 2;
  const day = Math.floor((h % 153) / 5) + 1;
  const month = ((Math.floor(h / 153) + 2) % 12) + 1;
  const year = Math.floor(e / 1461) - 4716 + Math.floor((12 + 2 - month) / 12);
  return [year, month, day];
}
