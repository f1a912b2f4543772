/**
 * Times written as text are ISO 8601 and UTC without a zone, whatever the machine's time zone:
 * `Date.parse` read "2026-11-21T12:00" as local time, "12" and "band 1" as 2001, and rolled
 * February 30th into March. Checked against Python's datetime (UTC) by hand below.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseUtc } from "../../src/grid/utc-time.js";
import { parseCycle } from "../../src/ops/cycle-time.js";
import { frameTimes } from "../../src/pipeline/forecast.js";
import { timeSplit } from "../../src/train/sequences.js";

const iso = (t: number) => new Date(t).toISOString();

describe("parseUtc", () => {
  it("reads ISO 8601 dates and times, UTC without a zone, a zone's offset taken off", () => {
    const cases: [string, string][] = [
      ["2026-11-21", "2026-11-21T00:00:00.000Z"],
      ["2026-11-21T12", "2026-11-21T12:00:00.000Z"],
      ["2026-11-21T12:00", "2026-11-21T12:00:00.000Z"],
      ["2026-11-21 12:00:30", "2026-11-21T12:00:30.000Z"],
      ["2026-11-21T12:00:30.25Z", "2026-11-21T12:00:30.250Z"],
      ["2026-11-21t12:00z", "2026-11-21T12:00:00.000Z"],
      ["2026-11-21T12:00+01:00", "2026-11-21T11:00:00.000Z"],
      ["2026-11-21T12:00-0530", "2026-11-21T17:30:00.000Z"],
      ["2026-11-21T00:00+02", "2026-11-20T22:00:00.000Z"],
      ["2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999Z"],
      ["1900-03-01", "1900-03-01T00:00:00.000Z"],
      ["0001-01-01T00:00Z", "0001-01-01T00:00:00.000Z"],
      [" 2026-11-21T12:00Z ", "2026-11-21T12:00:00.000Z"],
    ];
    for (const [text, want] of cases) expect(iso(parseUtc(text)), text).toBe(want);
    // Every label tilecast writes reads back as itself.
    for (const t of [0, 1.7e12 + 123, -1e12]) expect(parseUtc(iso(t))).toBe(t);
  });

  it("refuses what is not such a time, and dates the calendar lacks", () => {
    for (const text of [
      "12",
      "1",
      "band 1",
      "B04",
      "Nov 21 2026",
      "2026112112",
      "2026-11-21T12:00 PM",
      "2020-02-30",
      "2023-02-29",
      "1900-02-29",
      "2026-13-01",
      "2026-11-31",
      "2026-11-21T24:00",
      "2026-11-21T12:60",
      "2026-1-21",
      "",
      "yesterday",
    ])
      expect(parseUtc(text), text).toBeNaN();
  });

  it("does not depend on the machine's time zone (Date.parse did)", () => {
    const code = `import("./src/grid/utc-time.ts").then(({ parseUtc }) => console.log(JSON.stringify([
      new Date(parseUtc("2026-11-21T12:00")).toISOString(), new Date(Date.parse("2026-11-21T12:00")).toISOString()])))`;
    for (const TZ of ["Europe/Berlin", "America/Denver", "Asia/Kolkata"]) {
      const [ours, dateParse] = JSON.parse(
        execFileSync(process.execPath, ["--import", "tsx", "-e", code], {
          encoding: "utf8",
          env: { ...process.env, TZ },
        }),
      ) as [string, string];
      expect(ours, TZ).toBe("2026-11-21T12:00:00.000Z");
      expect(dateParse, TZ).not.toBe(ours); // what a cycle was before
    }
  });

  it("cycles, forecast frames and training cuts use it", () => {
    expect(parseCycle("2026-11-21T12:00").toISOString()).toBe("2026-11-21T12:00:00.000Z");
    expect(() => parseCycle("12")).toThrow("--cycle: '12' is not an ISO 8601 time (e.g. 2026-11-21T12:00Z)");
    expect(() => parseCycle("2020-02-30T00:00Z")).toThrow(/not an ISO 8601 time/);
    // A GeoTIFF whose bands are described "band 1", "band 2" is no time series.
    const meta = (names: string[]) => ({ meta: { attrs: { bandNames: names }, bands: names.length, path: "f.tif" } });
    expect(() => frameTimes(meta(["band 1", "band 2"]))).toThrow("the input's band axis is not time");
    expect(frameTimes(meta(["2026-11-21 12:00", "2026-11-21 12:05"]))).toStrictEqual([
      Date.UTC(2026, 10, 21, 12),
      Date.UTC(2026, 10, 21, 12, 5),
    ]);
    expect(() => timeSplit(["1", "2", "3", "4"], 1, 1, "2026-01-01")).toThrow("time step 0 has no time label");
    expect(() => timeSplit(["2026-01-01T00:00Z"], 1, 1, "12")).toThrow("train.sequence.until: '12' is not a time");
  });
});
