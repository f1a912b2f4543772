/**
 * Time labels of a time series' bands. An instant is ISO 8601 as `Date.toISOString` writes it
 * (`2000-03-01T00:00:00.000Z`); a date of another calendar (see `calendars.ts`) is written the same
 * way with the calendar's name after it, `2000-02-30T00:00:00.000Z (360_day)`, so it is never
 * taken for an instant and keeps its calendar through GeoTIFF band descriptions and back into a
 * Zarr time coordinate.
 *
 * @example
 * ```ts
 * import { parseTimeLabel, timeLabel } from "tilecast";
 * timeLabel(59 * 86_400_000, "360_day"); // "1970-02-30T00:00:00.000Z (360_day)"
 * parseTimeLabel("1970-02-30T00:00:00.000Z (360_day)"); // { ms: 5097600000, calendar: "360_day" }
 * ```
 */
import { type Calendar, dateFromDays } from "./calendars.js";
import { fieldsMs, isoFields } from "./utc-time.js";

const DAY_MS = 86_400_000;

/** A label's time: ms since 1970-01-01 in its calendar's count of days, and the calendar. */
export interface LabelTime {
  ms: number;
  calendar: Calendar;
}

/** A label's calendar suffix. */
const SUFFIX = / \((julian|noleap|all_leap|360_day)\)$/;

/** The label of a time in a calendar (ms as {@link LabelTime} counts them); years 0 to 9999. */
export function timeLabel(ms: number, calendar: Calendar): string {
  if (calendar === "proleptic_gregorian") return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  const [y, mo, d] = dateFromDays(days, calendar);
  const rest = ms - days * DAY_MS;
  const two = (v: number) => String(v).padStart(2, "0");
  const clock = `${two(Math.floor(rest / 3_600_000))}:${two(Math.floor(rest / 60_000) % 60)}:${two(Math.floor(rest / 1000) % 60)}`;
  return `${String(y).padStart(4, "0")}-${two(mo)}-${two(d)}T${clock}.${String(rest % 1000).padStart(3, "0")}Z (${calendar})`;
}

/** A label's time, or null for a label that is not one (a band name). */
export function parseTimeLabel(label: string): LabelTime | null {
  const m = SUFFIX.exec(label);
  const calendar = (m?.[1] ?? "proleptic_gregorian") as Calendar;
  const fields = isoFields(m ? label.slice(0, m.index) : label);
  const ms = fields ? fieldsMs(fields, calendar) : Number.NaN;
  return Number.isNaN(ms) ? null : { ms, calendar };
}

/**
 * A time given as text (a split date such as `train.sequence.until`) in a series' calendar: an
 * ISO date or date and time read in that calendar, with or without its suffix; NaN when it is no
 * date of that calendar (`2001-02-30` in `noleap`) or names another calendar.
 */
export function parseTimeIn(text: string, calendar: Calendar): number {
  const m = SUFFIX.exec(text.trim());
  if ((m?.[1] ?? calendar) !== calendar) return Number.NaN;
  const fields = isoFields(m ? text.trim().slice(0, m.index) : text);
  return fields ? fieldsMs(fields, calendar) : Number.NaN;
}
