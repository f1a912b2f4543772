/** The known fixture values, mirrored from fixtures/generate.py `pattern()`. */
import type { DType } from "../../src/grid/dtype.js";

export const W = 40;
export const H = 24;

const MAP: Record<DType, (v: number) => number> = {
  uint8: (v) => v,
  int8: (v) => v - 125,
  uint16: (v) => v * 250,
  int16: (v) => v * 100 - 12000,
  uint32: (v) => v * 1000003,
  int32: (v) => v * 1000003 - 100000000,
  float32: (v) => Math.fround(v * 0.25 - 20.5),
  float64: (v) => v * 0.001 - 0.1234,
};

/** Value of band b, row y, column x in a fixture of this dtype. */
export function expected(dtype: DType, b: number, y: number, x: number): number {
  return MAP[dtype]((x * 7 + y * 13 + b * 31) % 251);
}

/** True where the nodata fixtures hold nodata. */
export function isNodataCell(y: number, x: number): boolean {
  return (x + y) % 11 === 0;
}

export const fixture = (name: string) => `fixtures/geotiff/${name}`;
