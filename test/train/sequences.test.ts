import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { createGrid } from "../../src/grid/grid.js";
import { decodeCfTime } from "../../src/io/zarr/cf-time.js";
import type { Tile } from "../../src/stages/tile.js";
import { nowcastScorer } from "../../src/train/scorers.js";
import { checkRegular, sequenceBatch, tileWindows, timeSplit } from "../../src/train/sequences.js";

const at = (min: number) => new Date(Date.UTC(2010, 7, 26, 0, min)).toISOString();

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("sequence windows", () => {
  it("timeSplit: windows wholly before the cut train, wholly after validate, the rest neither", () => {
    const times = [0, 5, 10, 15, 20, 25, 30, 35].map(at);
    expect(timeSplit(times, 2, 2, at(20))).toStrictEqual({ train: [0], validation: [4], straddling: 3 });
    expect(timeSplit(times, 2, 2, at(25))).toStrictEqual({ train: [0, 1], validation: [], straddling: 3 });
    expect(() => timeSplit(times, 2, 2, "noon")).toThrow(/not a time/);
    expect(() => timeSplit([at(0), at(10), at(5)], 1, 1, at(5))).toThrow(/not increasing at step 2/);
  });

  it("checkRegular names a missing step, or reports it when gaps are allowed", () => {
    const times = [0, 5, 15, 20].map(at);
    expect(() => checkRegular(times)).toThrow(
      /5 min apart but 2010-08-26T00:05:00.000Z is followed by 2010-08-26T00:15:00.000Z/,
    );
    expect(checkRegular(times, true)).toStrictEqual({ stepMs: 300000, gaps: [2], cadence: "fixed" });
    // A frame written twice, or out of order, is named, even where gaps are allowed (it read as a
    // step of 0 min with every real step a gap).
    for (const wrong of [
      [0, 5, 5, 10],
      [0, 10, 5, 15],
    ])
      expect(() => checkRegular(wrong.map(at), true)).toThrow(
        `time steps must increase, but ${at(wrong[1] as number)} is followed by ${at(wrong[2] as number)}`,
      );
    // Band names that are no times, or times of two calendars, are named (not "NaN min apart").
    expect(() => checkRegular(["B1", "B2", "B3"])).toThrow(
      "time step 0 has no time label (the input's band axis must be time)",
    );
    expect(() => checkRegular([at(0), "2010-08-26T00:05:00.000Z (noleap)"])).toThrow(
      "time step 1 (2010-08-26T00:05:00.000Z (noleap)) is in another calendar than step 0 (2010-08-26T00:00:00.000Z)",
    );
  });

  it("checkRegular reads an archive past 120 000 frames (two years of 5-minute radar)", () => {
    // Math.min(...steps) threw "Maximum call stack size exceeded" here, failing every cycle of a
    // nowcast whose input archive had grown that long.
    const t0 = Date.UTC(2008, 0, 1);
    const times = Array.from({ length: 210_000 }, (_, i) => new Date(t0 + i * 300_000).toISOString());
    expect(checkRegular(times)).toStrictEqual({ stepMs: 300000, gaps: [], cadence: "fixed" });
    times.splice(150_000, 1);
    expect(checkRegular(times, true)).toStrictEqual({ stepMs: 300000, gaps: [150_000], cadence: "fixed" });
  });

  it("checkRegular steps monthly and yearly series by calendar months and years", () => {
    // Monthly means at the first of each month, 2000 (a leap year): steps of 29 to 31 days.
    const months = Array.from({ length: 12 }, (_, m) => new Date(Date.UTC(2000, m, 1)).toISOString());
    expect(checkRegular(months)).toStrictEqual({ stepMs: 29 * 86_400_000, gaps: [], cadence: "month" });
    // CMIP's mid-month times in a noleap calendar (days 15.5, 45, 74.5, ... since 1850-01-01).
    const mid = [15.5, 45, 74.5, 105, 135.5, 166, 196.5, 227.5, 258, 288.5, 319, 349.5];
    const cmip = decodeCfTime(mid, "days since 1850-01-01", "noleap");
    expect(cmip[1]).toBe("1850-02-15T00:00:00.000Z (noleap)");
    expect(checkRegular(cmip).gaps).toStrictEqual([]);
    const missing = cmip.filter((_, i) => i !== 3);
    expect(() => checkRegular(missing)).toThrow(
      "time steps are a month apart but 1850-03-16T12:00:00.000Z (noleap) is followed by 1850-05-16T12:00:00.000Z (noleap): a step is missing",
    );
    expect(checkRegular(missing, true)).toStrictEqual({ stepMs: 29.5 * 86_400_000, gaps: [3], cadence: "month" });
    // Yearly, across leap years: 365 and 366 days.
    const years = [2000, 2001, 2002, 2003, 2004, 2005].map((y) => `${y}-07-01T00:00:00Z`);
    expect(checkRegular(years).cadence).toBe("year");
    expect(
      checkRegular(
        years.filter((y) => !y.startsWith("2003")),
        true,
      ).gaps,
    ).toStrictEqual([3]);
    // Steps of 30 days are fixed, not months: the gap is the 60-day step, not January twice.
    const thirty = [0, 30, 60, 120, 150].map((d) => new Date(Date.UTC(2000, 0, 1 + d)).toISOString());
    expect(checkRegular(thirty, true)).toStrictEqual({ stepMs: 30 * 86_400_000, gaps: [3], cadence: "fixed" });
  });

  it("tileWindows copies frames out; missing targets become NaN; batches are [B, T, h, w, 1]", () => {
    // 5 time steps of a 1 x 2 tile: value = 10 · step + cell; step 4, cell 1 masked.
    const data = Float32Array.from({ length: 10 }, (_, i) => 10 * Math.floor(i / 2) + (i % 2));
    const mask = new Uint8Array(10).fill(1);
    mask[9] = 0;
    const tile = {
      grid: createGrid("float32", [5, 1, 2], { data, mask }),
      spec: { id: 0 },
      release() {},
    } as unknown as Tile;
    const [w0, w1] = tileWindows(tile, [0, 1], 2, 2);
    expect(Array.from(w0?.x ?? [])).toStrictEqual([0, 1, 10, 11]);
    expect(Array.from(w0?.y ?? [])).toStrictEqual([20, 21, 30, 31]);
    expect(Array.from(w1?.y ?? [])).toStrictEqual([30, 31, 40, Number.NaN]);
    const b = sequenceBatch([w0, w1] as NonNullable<typeof w0>[]);
    expect(b.x.shape).toStrictEqual([2, 2, 1, 2, 1]);
    expect(b.y.shape).toStrictEqual([2, 2, 1, 2, 1]);
    expect(() => tileWindows(tile, [2], 2, 2)).toThrow(/needs 4 frames; the tile has 5/);
  });

  it("the nowcast scorer counts CSI beside persistence, in mm/h after log1p", () => {
    const s = nowcastScorer({ thresholds: [1], transform: "log1p" });
    const l = (mm: number[]) => Float32Array.from(mm, Math.log1p);
    // One sample, 2 leads, 1 x 2 cells; inputs: 2 frames, the last one [2, 0] mm/h.
    s.add(l([2, 0, 0, 3]), l([1.5, 0.5, 2, 2]), null, [1, 2, 1, 2, 1], l([0, 0, 2, 0]));
    // model: lead 1 hit, correct negative; lead 2 false alarm, hit -> 2 hits, 1 false alarm: 2/3
    // persistence [2, 0]: lead 1 hit, correct negative; lead 2 false alarm, miss -> 1/3
    expect(s.result()).toMatchObject({ csi1: 2 / 3, csi1_last: 0.5, persistence_csi1: 1 / 3 });
  });
});
