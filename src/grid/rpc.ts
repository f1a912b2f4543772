/**
 * Rational polynomial coefficients (RPCs): how a satellite image not yet orthorectified
 * (Pleiades, WorldView, SPOT at level 1) places its pixels, by latitude, longitude and height.
 * The 92 numbers are in GDAL's order (the GeoTIFF RPCCoefficient tag's): ERR_BIAS, ERR_RAND,
 * LINE_OFF, SAMP_OFF, LAT_OFF, LONG_OFF, HEIGHT_OFF, LINE_SCALE, SAMP_SCALE, LAT_SCALE,
 * LONG_SCALE, HEIGHT_SCALE, then 20 coefficients each of the line's numerator and denominator and
 * the sample's. A pixel's line is its normalized line times LINE_SCALE plus LINE_OFF, so a window
 * moves the offsets by its corner and a resampling by a factor divides offsets and scales by it,
 * as `gdal_translate -srcwin` and `-outsize` do.
 */

/** How many numbers an RPC model has. */
export const RPC_COUNT = 92;

const LINE_OFF = 2;
const SAMP_OFF = 3;
const LINE_SCALE = 7;
const SAMP_SCALE = 8;

/** `rpc` for the window whose top-left pixel is (`x`, `y`). */
export function windowRpc(rpc: readonly number[], x: number, y: number): number[] {
  const r = [...rpc];
  r[LINE_OFF] = (r[LINE_OFF] as number) - y;
  r[SAMP_OFF] = (r[SAMP_OFF] as number) - x;
  return r;
}

/** `rpc` for the grid `factor` times coarser. */
export function scaleRpc(rpc: readonly number[], factor: number): number[] {
  const r = [...rpc];
  for (const i of [LINE_OFF, SAMP_OFF, LINE_SCALE, SAMP_SCALE]) r[i] = (r[i] as number) / factor;
  return r;
}
