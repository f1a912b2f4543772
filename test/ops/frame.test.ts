import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { crsFromEpsg } from "../../src/grid/crs.js";
import { drawFrame } from "../../src/ops/serve/frame.js";

/** RGBA of the frame's pixel at (x, y). */
async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [...data.subarray(i, i + 4)];
}

describe("product frames for the map", () => {
  // A global 45° grid: row r (90 - 45r to 45 - 45r degrees north) holds the value r, in kelvin.
  const georef = { transform: [-180, 45, 0, 90, 0, -45] as const, crs: crsFromEpsg(4326), rasterType: "area" as const };
  const data = Float32Array.from({ length: 32 }, (_, i) => Math.floor(i / 8));

  it("a latitude/longitude grid in Web Mercator: bounds clipped at ±85°, rows where their latitudes fall", async () => {
    const f = await drawFrame(data, 8, 4, georef, "K", 64);
    expect(f.bounds).toStrictEqual([
      [-85, -180],
      [85, 180],
    ]);
    const { width, height } = await sharp(f.png).metadata();
    expect(width).toBe(64);
    expect(height).toBe(64); // Mercator from -85 to 85 degrees is square
    // The palette runs over 0..3 K in 8 steps: 0 -> the first colour, 3 -> the last.
    expect(await pixel(f.png, 32, 0)).toStrictEqual([49, 54, 149, 220]);
    expect(await pixel(f.png, 32, 63)).toStrictEqual([165, 0, 38, 220]);
    // Just north of the equator is row 1 (45°N to 0°): value 1, the third step (1 / 0.375).
    expect(await pixel(f.png, 10, 31)).toStrictEqual([116, 173, 209, 220]);
    expect(f.legend.map((s) => s.label)).toStrictEqual(["0", "0.375", "0.75", "1.13", "1.5", "1.88", "2.25", "2.63"]);
  });

  it("a grid on 0..360° longitude keeps its range (proj4 would fold it into -180..180)", async () => {
    const east = { ...georef, transform: [0, 45, 0, 90, 0, -45] as const };
    const cols = Float32Array.from({ length: 32 }, (_, i) => i % 8); // the value is the column
    const f = await drawFrame(cols, 8, 4, east, "K", 64);
    expect(f.bounds).toStrictEqual([
      [-85, 0],
      [85, 360],
    ]);
    // x = 36 is 202.5°E, in column 4 (180..225°E): value 4 of 0..7, the fifth of 8 steps.
    expect(await pixel(f.png, 36, 32)).toStrictEqual([254, 224, 144, 220]);
    expect(await pixel(f.png, 2, 32)).toStrictEqual([49, 54, 149, 220]); // column 0
  });

  it("rain: below 0.1 mm/h and missing cells are transparent; steps in mm/h", async () => {
    const rain = Float32Array.from(data, (v, i) => (i % 8 === 0 ? Number.NaN : ([0, 0.05, 3, 60][v] as number)));
    const f = await drawFrame(rain, 8, 4, georef, "mm h-1", 64);
    expect((await pixel(f.png, 4, 10))[3]).toBe(0); // NaN column (x = -180..-135)
    expect((await pixel(f.png, 20, 5))[3]).toBe(0); // 0 mm/h
    expect((await pixel(f.png, 20, 31))[3]).toBe(0); // 0.05 mm/h
    expect(await pixel(f.png, 20, 40)).toStrictEqual([30, 170, 80, 220]); // 3 mm/h: the >= 2 step
    expect(await pixel(f.png, 20, 63)).toStrictEqual([150, 20, 160, 220]); // 60 mm/h: >= 50
    expect(f.legend[0]).toStrictEqual({ color: "#96c3fa", label: "≥ 0.1" });
  });
});
