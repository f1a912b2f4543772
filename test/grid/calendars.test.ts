/**
 * Calendars as day counts, and time labels that carry their calendar: every date of years 0 to
 * 2400 goes to its count and back in each calendar, the Gregorian count is JavaScript's Date's,
 * the Julian one is 13 days behind in the 20th century; labels parse back to their count, and a
 * date one calendar lacks is no time of it.
 */
import { describe, expect, it } from "vitest";
import { type Calendar, dateFromDays, daysFromDate, monthDays } from "../../src/grid/calendars.js";
import { parseTimeIn, parseTimeLabel, timeLabel } from "../../src/grid/time-labels.js";

const CALENDARS: Calendar[] = ["proleptic_gregorian", "julian", "noleap", "all_leap", "360_day"];
const DAY = 86_400_000;

describe("calendars", () => {
  it.each(CALENDARS)("%s: each date of years 0-2400 counts one day after the one before, and back", (calendar) => {
    let expected = daysFromDate(0, 1, 1, calendar);
    const yearDays: number[] = [];
    for (let y = 0; y <= 2400; y++) {
      let days = 0;
      for (let m = 1; m <= 12; m++)
        for (let d = 1; d <= monthDays(y, m, calendar); d++) {
          const n = daysFromDate(y, m, d, calendar);
          if (n !== expected) expect(n, `${y}-${m}-${d}`).toBe(expected);
          const back = dateFromDays(n, calendar);
          if (back[0] !== y || back[1] !== m || back[2] !== d) expect(back, `${n}`).toStrictEqual([y, m, d]);
          expected++;
          days++;
        }
      yearDays.push(days);
    }
    const lengths = new Set(yearDays);
    const want = {
      proleptic_gregorian: [365, 366],
      julian: [365, 366],
      noleap: [365],
      all_leap: [366],
      "360_day": [360],
    };
    expect([...lengths].sort()).toStrictEqual(want[calendar]);
    expect(daysFromDate(1970, 1, 1, calendar === "julian" ? "proleptic_gregorian" : calendar)).toBe(0);
  });

  it("the Gregorian count is Date's; the Julian calendar is 13 days behind from 1900-03-01 to 2100-02-28", () => {
    for (const [y, m, d] of [
      [1, 1, 1],
      [1582, 10, 15],
      [1900, 2, 28],
      [2000, 2, 29],
      [2026, 12, 5],
    ] as const)
      expect(daysFromDate(y, m, d) * DAY, `${y}-${m}-${d}`).toBe(new Date(0).setUTCFullYear(y, m - 1, d));
    expect(daysFromDate(1970, 1, 1, "julian") - daysFromDate(1970, 1, 1)).toBe(13);
    expect(dateFromDays(daysFromDate(1582, 10, 15), "julian")).toStrictEqual([1582, 10, 5]);
    expect(monthDays(1900, 2, "julian")).toBe(29);
    expect(monthDays(1900, 2)).toBe(28);
  });
});

describe("time labels", () => {
  it("carry their calendar and parse back to their count; Gregorian ones are ISO instants", () => {
    const t = Date.UTC(2026, 11, 5, 6, 30, 15, 250);
    expect(timeLabel(t, "proleptic_gregorian")).toBe("2026-12-05T06:30:15.250Z");
    expect(parseTimeLabel("2026-12-05T06:30:15.250Z")).toStrictEqual({ ms: t, calendar: "proleptic_gregorian" });
    // Day 59 and a quarter of the 360_day calendar's 1970, and a date before its 1970.
    expect(timeLabel(59.25 * DAY, "360_day")).toBe("1970-02-30T06:00:00.000Z (360_day)");
    expect(timeLabel(-1.5 * DAY, "360_day")).toBe("1969-12-29T12:00:00.000Z (360_day)");
    for (const calendar of CALENDARS)
      for (const ms of [0, -1.5 * DAY, 59.25 * DAY, 1234567 * 60_000 + 7, -700_000 * DAY])
        expect(parseTimeLabel(timeLabel(ms, calendar)), `${calendar} ${ms}`).toStrictEqual({ ms, calendar });
    expect(parseTimeLabel("2001-02-30T00:00:00.000Z (noleap)")).toBeNull();
    expect(parseTimeLabel("2001-02-29T00:00:00.000Z")).toBeNull();
    expect(parseTimeLabel("2001-02-30T00:00:00.000Z (lunar)")).toBeNull();
    expect(parseTimeLabel("band 1")).toBeNull();
  });

  it("a split date is read in the series' calendar, with or without its name", () => {
    expect(parseTimeIn("2001-02-30", "360_day")).toBe(daysFromDate(2001, 2, 30, "360_day") * DAY);
    expect(parseTimeIn("2001-02-30T00:00:00.000Z (360_day)", "360_day")).toBe(
      daysFromDate(2001, 2, 30, "360_day") * DAY,
    );
    expect(parseTimeIn("2001-02-30", "noleap")).toBeNaN();
    expect(parseTimeIn("2001-03-01 (noleap)", "360_day")).toBeNaN();
    expect(parseTimeIn("2001-03-01T12:00", "noleap")).toBe((daysFromDate(2001, 3, 1, "noleap") + 0.5) * DAY);
  });
});
