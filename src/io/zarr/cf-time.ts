/**
 * CF time coordinates ("UNITS since DATE") decoded to instants as xarray decodes them: the
 * reference date in UDUNITS' forms (years of one to four digits, one-digit fields, fractional
 * seconds, `T` or a blank, `Z`, `UTC` or an offset such as `+05:30`, `-6` or `+0530`, which is
 * taken off), and the calendar's rules for it. In the `standard` calendar a date before
 * 1582-10-15 is a Julian one: NCEP's "hours since 1-1-1 00:00:0.0" starts two days before the
 * proleptic Gregorian 0001-01-01.
 *
 * tilecast's times are instants on the Gregorian calendar, so calendars whose dates are not
 * (`noleap`, `360_day`, `julian` and the like), and standard-calendar times before 1582-10-15,
 * are refused by name; xarray's `convert_calendar` rewrites such a store.
 *
 * @example
 * ```ts
 * import { parseCfTime } from "tilecast";
 * parseCfTime([17067072], "hours since 1-1-1 00:00:0.0").map((d) => d.toISOString());
 * // ["1948-01-01T00:00:00.000Z"]
 * ```
 */
import { TilecastError } from "../../errors.js";
import { fieldsMs, parseUtc } from "../../grid/utc-time.js";

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

/** Calendars whose dates are the Gregorian calendar's (before 1582-10-15 too, or not). */
const GREGORIAN = new Set(["standard", "gregorian", "proleptic_gregorian"]);

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

/** The instant (ms since 1970) a reference date names in a Gregorian-family calendar. */
function referenceMs(text: string, units: string, calendar: string): number {
  const bad = (why: string) =>
    new TilecastError("E_UNSUPPORTED", `cannot parse the reference date in '${units.slice(0, 80)}'${why}`);
  const m = REFERENCE.exec(text);
  if (!m) throw bad("");
  const [, sign, ...fields] = m;
  const [year, month, day] = fields.slice(0, 3).map(Number) as [number, number, number];
  if (sign === "-" || year < 1) throw bad(": years before 1 are not supported");
  // The standard calendar is Julian up to 1582-10-04 and Gregorian from 1582-10-15.
  const beforeSwitch = year < 1582 || (year === 1582 && (month < 10 || (month === 10 && day < 15)));
  const julian = calendar !== "proleptic_gregorian" && beforeSwitch;
  if (julian && year === 1582 && month === 10 && day > 4)
    throw bad(": the standard calendar has no 1582-10-05 to 1582-10-14");
  const t = fieldsMs(fields, julian);
  if (Number.isNaN(t)) throw bad(": no such date or time");
  return t;
}

/**
 * Decode CF time values to Dates, as xarray does for the `standard`, `gregorian` and
 * `proleptic_gregorian` calendars; see the module documentation for what is refused.
 */
export function parseCfTime(values: ArrayLike<number | bigint>, units: string, calendar = "standard"): Date[] {
  // Runs of blanks made one first: a pattern with blanks either side of a lazy group rescans
  // each run at every step, which a hostile attribute of a megabyte of spaces makes hours.
  const m = /^(\w+) since (.+)$/.exec(units.trim().replace(/\s+/g, " "));
  const unit = m ? UNIT_MS[(m[1] ?? "").toLowerCase()] : undefined;
  if (!m || unit === undefined)
    throw new TilecastError("E_UNSUPPORTED", `cannot decode time units '${units.slice(0, 80)}'`);
  const cal = calendar.trim().toLowerCase() || "standard";
  if (!GREGORIAN.has(cal))
    throw new TilecastError(
      "E_UNSUPPORTED",
      `calendar '${calendar.slice(0, 40)}' is not supported: tilecast's times are Gregorian (xarray's convert_calendar("standard") rewrites them)`,
    );
  const base = referenceMs(m[2] ?? "", units, cal);
  return Array.from(values, (raw, i) => {
    if (raw === NAT || raw === -(2 ** 63))
      throw new TilecastError("E_UNSUPPORTED", `time value NaT (index ${i}) is no time in '${units.slice(0, 80)}'`);
    const v = Number(raw);
    const t = base + v * unit;
    if (!(Math.abs(t) <= MAX_MS))
      throw new TilecastError(
        "E_UNSUPPORTED",
        `time value ${String(raw)} (index ${i}) is not a date in '${units.slice(0, 80)}'`,
      );
    if (cal !== "proleptic_gregorian" && t < GREGORIAN_START * DAY_MS)
      throw new TilecastError(
        "E_UNSUPPORTED",
        `time value ${String(raw)} (index ${i}) falls before 1582-10-15, where the ${cal} calendar is Julian: tilecast's times are Gregorian (calendar proleptic_gregorian)`,
      );
    return new Date(t);
  });
}

/**
 * A CF time coordinate's values as ISO 8601 labels, from its `units` and `calendar` attributes;
 * an error names the store (`where`) and the coordinate.
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
    return parseCfTime(values, String(attrs.units), calendar).map((d) => d.toISOString());
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
 * Labels that are all ISO 8601 times (`parseUtc`), as a CF time coordinate: "UNITS since FIRST"
 * in the coarsest unit that makes every value a whole number (as xarray encodes), proleptic
 * Gregorian; null when any label is not such a time from 1582-10-15 on (where the standard and
 * proleptic calendars agree). {@link parseCfTime} gives the instants back, as ISO labels.
 */
export function encodeCfTime(
  labels: readonly (string | null | undefined)[],
): { units: string; calendar: string; values: number[] } | null {
  const ms = labels.map((l) => (typeof l === "string" ? parseUtc(l) : Number.NaN));
  if (ms.length === 0 || !ms.every((t) => t >= GREGORIAN_START * DAY_MS && t <= MAX_MS)) return null;
  const first = ms[0] as number;
  const [unit, step] = ENCODE_UNITS.find(([, s]) => ms.every((t) => (t - first) % s === 0)) as [string, number];
  const ref = new Date(first)
    .toISOString()
    .replace("T", " ")
    .replace(/\.000Z$/, "")
    .replace(/Z$/, "");
  return { units: `${unit} since ${ref}`, calendar: "proleptic_gregorian", values: ms.map((t) => (t - first) / step) };
}
