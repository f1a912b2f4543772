/**
 * CF time coordinates ("UNITS since DATE") decoded as xarray decodes them: the reference date in
 * UDUNITS' forms (years of one to four digits, one-digit fields, fractional seconds, `T` or a
 * blank, `Z`, `UTC` or an offset such as `+05:30`, `-6` or `+0530`, which is taken off), and the
 * calendar's rules for it. In the `standard` calendar a date before 1582-10-15 is a Julian one:
 * NCEP's "hours since 1-1-1 00:00:0.0" starts two days before the proleptic Gregorian 0001-01-01.
 *
 * The Gregorian calendars give instants ({@link parseCfTime}); the `julian` calendar and climate
 * models' idealized ones (`noleap`/`365_day`, `all_leap`/`366_day`, `360_day`) give dates of
 * their own calendar, labelled with its name ({@link decodeCfTime}, `time-labels.ts`), as
 * xarray decodes them to cftime dates; cftime's `months` (360_day) and `common_years` (noleap)
 * units included. Standard-calendar times before 1582-10-15 are refused by name.
 *
 * @example
 * ```ts
 * import { decodeCfTime, parseCfTime } from "tilecast";
 * parseCfTime([17067072], "hours since 1-1-1 00:00:0.0").map((d) => d.toISOString());
 * // ["1948-01-01T00:00:00.000Z"]
 * decodeCfTime([59], "days since 2000-01-01", "360_day"); // ["2000-02-30T00:00:00.000Z (360_day)"]
 * ```
 */
import { TilecastError } from "../../errors.js";
import { type Calendar, countedCalendar, daysFromDate } from "../../grid/calendars.js";
import { type LabelTime, parseTimeLabel, timeLabel } from "../../grid/time-labels.js";
import { fieldsMs } from "../../grid/utc-time.js";

const DAY_MS = 86_400_000;

const UNIT_MS: Record<string, number> = {
  week: 7 * DAY_MS,
  weeks: 7 * DAY_MS,
  day: DAY_MS,
  days: DAY_MS,
  d: DAY_MS,
  hour: 3_600_000,
  hours: 3_600_000,
  h: 3_600_000,
  minute: 60_000,
  minutes: 60_000,
  min: 60_000,
  second: 1000,
  seconds: 1000,
  s: 1000,
  millisecond: 1,
  milliseconds: 1,
  ms: 1,
  microsecond: 0.001,
  microseconds: 0.001,
  us: 0.001,
  nanosecond: 0.000001,
  nanoseconds: 0.000001,
  ns: 0.000001,
};

/** Units only one calendar has, as cftime reads them: a 360_day month, a noleap year. */
const CALENDAR_UNITS: Record<string, { calendar: Calendar; ms: number }> = {
  month: { calendar: "360_day", ms: 30 * DAY_MS },
  months: { calendar: "360_day", ms: 30 * DAY_MS },
  common_year: { calendar: "noleap", ms: 365 * DAY_MS },
  common_years: { calendar: "noleap", ms: 365 * DAY_MS },
};

/** The first day of the Gregorian calendar, in days since 1970-01-01 (1582-10-15). */
const GREGORIAN_START = -141_427;

/**
 * int64's smallest value (as a bigint, or as the number a float64 reading makes it): numpy's
 * NaT (no time), not a date 292 years before 1970.
 */
const NAT = -(2n ** 63n);

/** The largest instant a Date holds, in ms either side of 1970. */
const MAX_MS = 8.64e15;

/**
 * UDUNITS' reference date, after blanks are made one: date, optional time (hours, minutes,
 * seconds, fraction), optional zone. Bounded repeats, so it runs in one pass however long the text.
 */
const REFERENCE =
  /^([+-]?)(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9})\d*)?)?)?)? ?(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?$/i;

/** True when attributes describe a CF time coordinate ("UNITS since DATE"). */
export function isCfTime(attrs: Readonly<Record<string, unknown>>): boolean {
  return typeof attrs.units === "string" && / since /.test(attrs.units);
}

/**
 * The time (ms in `counted`'s count of days) a reference date names; `calendar` is the CF name,
 * `standard` making a date before 1582-10-15 a Julian one.
 */
function referenceMs(text: string, units: string, calendar: string, counted: Calendar): number {
  const bad = (why: string) =>
    new TilecastError("E_UNSUPPORTED", `cannot parse the reference date in '${units.slice(0, 80)}'${why}`);
  const m = REFERENCE.exec(text);
  if (!m) throw bad("");
  const [, sign, ...fields] = m;
  const [year, month, day] = fields.slice(0, 3).map(Number) as [number, number, number];
  // cftime's idealized calendars have a year 0; the real ones go from 1 BC to AD 1.
  const first = counted === "proleptic_gregorian" || counted === "julian" ? 1 : 0;
  if (sign === "-" || year < first) throw bad(`: years before ${first} are not supported`);
  let t: number;
  if (counted === "proleptic_gregorian") {
    // The standard calendar is Julian up to 1582-10-04 and Gregorian from 1582-10-15.
    const beforeSwitch = year < 1582 || (year === 1582 && (month < 10 || (month === 10 && day < 15)));
    const julian = calendar !== "proleptic_gregorian" && beforeSwitch;
    if (julian && year === 1582 && month === 10 && day > 4)
      throw bad(": the standard calendar has no 1582-10-05 to 1582-10-14");
    t = fieldsMs(fields, julian ? "julian" : "proleptic_gregorian");
  } else t = fieldsMs(fields, counted);
  if (Number.isNaN(t)) throw bad(": no such date or time");
  return t;
}

/** `raw` units of `unit` ms each, in ms, exactly as far as a float64 holds it. */
function offsetMs(raw: number | bigint, unit: number): number {
  const per = unit < 1 ? Math.round(1 / unit) : 0; // 1000 a ms for microseconds, 1e6 for nanoseconds
  if (typeof raw !== "bigint") return per ? Number(raw) / per : Number(raw) * unit;
  if (!per) return Number(raw * BigInt(unit));
  const p = BigInt(per);
  return Number(raw / p) + Number(raw % p) / per;
}

/**
 * A coordinate's times in the count of the calendar it is decoded in: the Gregorian ones'
 * instants (ms since 1970), or another calendar's own ms since its 1970-01-01.
 */
function decode(
  values: ArrayLike<number | bigint>,
  units: string,
  calendar: string,
): { calendar: Calendar; ms: number[] } {
  const cal = calendar.trim().toLowerCase() || "standard";
  const counted = countedCalendar(cal);
  if (counted === undefined)
    throw new TilecastError(
      "E_UNSUPPORTED",
      `calendar '${calendar.slice(0, 40)}' is not supported (CF's standard, gregorian, proleptic_gregorian, julian, noleap, 365_day, all_leap, 366_day and 360_day are)`,
    );
  // Runs of blanks made one first: a pattern with blanks either side of a lazy group rescans
  // each run at every step, which a hostile attribute of a megabyte of spaces makes hours.
  const m = /^(\w+) since (.+)$/.exec(units.trim().replace(/\s+/g, " "));
  const name = (m?.[1] ?? "").toLowerCase();
  const own = CALENDAR_UNITS[name];
  const unit = UNIT_MS[name] ?? (own?.calendar === counted ? own.ms : undefined);
  if (!m || unit === undefined)
    throw new TilecastError(
      "E_UNSUPPORTED",
      `cannot decode time units '${units.slice(0, 80)}'${own ? `: ${name} are a unit of the ${own.calendar} calendar only` : ""}`,
    );
  const base = referenceMs(m[2] ?? "", units, cal, counted);
  // Labels of other calendars have four-digit years; instants go as far as a Date does.
  const [lo, hi] =
    counted === "proleptic_gregorian"
      ? [-MAX_MS, MAX_MS]
      : [
          daysFromDate(counted === "julian" ? 1 : 0, 1, 1, counted) * DAY_MS,
          daysFromDate(10000, 1, 1, counted) * DAY_MS - 1,
        ];
  const ms = Array.from(values, (raw, i) => {
    if (raw === NAT || raw === -(2 ** 63))
      throw new TilecastError("E_UNSUPPORTED", `time value NaT (index ${i}) is no time in '${units.slice(0, 80)}'`);
    // To the nearest ms (a Date's and a label's step), from the exact offset: an int64 count
    // of nanoseconds past 2^53 divided as a bigint, a sub-ms unit divided by its count per ms
    // (0.457 s as nanoseconds times 1e-6 made 456.9998 ms, truncated to .456).
    const t = Math.round(base + offsetMs(raw, unit));
    if (!(t >= lo && t <= hi))
      throw new TilecastError(
        "E_UNSUPPORTED",
        `time value ${String(raw)} (index ${i}) is not a date in '${units.slice(0, 80)}'${counted === "proleptic_gregorian" ? "" : ` (${cal} calendar)`}`,
      );
    if (cal !== "proleptic_gregorian" && counted === "proleptic_gregorian" && t < GREGORIAN_START * DAY_MS)
      throw new TilecastError(
        "E_UNSUPPORTED",
        `time value ${String(raw)} (index ${i}) falls before 1582-10-15, where the ${cal} calendar is Julian: tilecast's instants are Gregorian (calendar proleptic_gregorian)`,
      );
    return t;
  });
  return { calendar: counted, ms };
}

/**
 * Decode CF time values to Dates, as xarray does for the `standard`, `gregorian` and
 * `proleptic_gregorian` calendars. Other calendars' dates are not instants:
 * {@link decodeCfTime} labels them.
 */
export function parseCfTime(values: ArrayLike<number | bigint>, units: string, calendar = "standard"): Date[] {
  const d = decode(values, units, calendar);
  if (d.calendar !== "proleptic_gregorian")
    throw new TilecastError(
      "E_UNSUPPORTED",
      `calendar '${calendar.slice(0, 40)}' has dates that are not instants (decodeCfTime labels them in their calendar)`,
    );
  return d.ms.map((t) => new Date(t));
}

/**
 * Decode CF time values to time labels (`time-labels.ts`): instants in the Gregorian
 * calendars, dates with their calendar's name in the others, as cftime decodes them.
 */
export function decodeCfTime(values: ArrayLike<number | bigint>, units: string, calendar = "standard"): string[] {
  const d = decode(values, units, calendar);
  return d.ms.map((t) => timeLabel(t, d.calendar));
}

/**
 * A CF time coordinate's values as time labels, from its `units` and `calendar` attributes; an
 * error names the store (`where`) and the coordinate.
 */
export function cfTimeLabels(
  values: ArrayLike<number | bigint>,
  attrs: Readonly<Record<string, unknown>>,
  where: string,
  name: string,
): string[] {
  try {
    const calendar = attrs.calendar ?? "standard";
    if (typeof calendar !== "string")
      throw new TilecastError("E_UNSUPPORTED", `calendar ${JSON.stringify(calendar).slice(0, 40)} is not a name`);
    return decodeCfTime(values, String(attrs.units), calendar);
  } catch (e) {
    if (!(e instanceof TilecastError)) throw e;
    throw new TilecastError(e.code, `time coordinate '${name.slice(0, 80)}': ${e.problem}`, { path: where, cause: e });
  }
}

/** The units a time coordinate is written in, coarsest first. */
const ENCODE_UNITS: [string, number][] = [
  ["days", DAY_MS],
  ["hours", 3_600_000],
  ["minutes", 60_000],
  ["seconds", 1000],
  ["milliseconds", 1],
];

/**
 * Labels that are all times of one calendar (`parseTimeLabel`), as a CF time coordinate: "UNITS
 * since FIRST" in the coarsest unit that makes every value a whole number (as xarray encodes),
 * in their calendar (instants as proleptic Gregorian); null when any label is not such a time,
 * or an instant before 1582-10-15 (where the standard and proleptic calendars part).
 * {@link decodeCfTime} gives the labels back.
 */
export function encodeCfTime(
  labels: readonly (string | null | undefined)[],
): { units: string; calendar: string; values: number[] } | null {
  const times = labels.map((l) => (typeof l === "string" ? parseTimeLabel(l) : null));
  const calendar = times[0]?.calendar;
  if (!calendar || !times.every((t) => t?.calendar === calendar)) return null;
  const ms = times.map((t) => (t as LabelTime).ms);
  if (calendar === "proleptic_gregorian" && !ms.every((t) => t >= GREGORIAN_START * DAY_MS && t <= MAX_MS)) return null;
  const first = ms[0] as number;
  const [unit, step] = ENCODE_UNITS.find(([, s]) => ms.every((t) => (t - first) % s === 0)) as [string, number];
  const ref = timeLabel(first, calendar)
    .replace("T", " ")
    .replace(/(\.000)?Z.*$/, "");
  return { units: `${unit} since ${ref}`, calendar, values: ms.map((t) => (t - first) / step) };
}
