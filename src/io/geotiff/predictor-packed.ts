/**
 * Predictor 2 a 32-bit word at a time for pixels smaller than a word: one or two bytes (a
 * single-band uint8 or int16 raster, a two-band uint8 one), so two or four pixels share a word.
 * Sums and differences are taken lane by lane, each lane wrapping on its own (`low`: every lane's
 * bits but the top one; `high`: the top ones): a word's running sums are the word plus itself
 * shifted up a pixel, plus that shifted up two pixels, plus the previous word's last pixel in
 * every pixel's place. Rows must be whole words, in a buffer aligned to 4 bytes. On 256²
 * single-band tiles, on one core here: uint8 sums 0.65 ns a byte against the sample loop's 2.16,
 * differences 0.46 against 1.43; int16 sums 0.55 against 1.12, differences 0.45 against 0.92.
 *
 * Internal to the TIFF predictors (`predictor.ts`).
 */
import type { PredictorLayout } from "./predictor.js";

/** Bits a pixel takes, and the lane masks of its samples, where `l` packs words; else null. */
export function packedLayout(buf: Uint8Array, l: PredictorLayout): [number, number, number] | null {
  const pixelBytes = l.bytes * l.spp;
  if ((pixelBytes !== 1 && pixelBytes !== 2) || buf.byteOffset % 4 !== 0 || (l.width * pixelBytes) % 4 !== 0)
    return null;
  if (buf.byteLength < l.width * l.rows * pixelBytes) return null;
  return l.bytes === 1 ? [pixelBytes * 8, 0x7f7f7f7f, 0x80808080] : [16, 0x7fff7fff, 0x80008000];
}

const add = (a: number, b: number, low: number, high: number) => ((a & low) + (b & low)) ^ ((a ^ b) & high);

/** Undo predictor 2 on words of 8- or 16-bit pixels (`bits`). */
export function packedSums(buf: Uint8Array, l: PredictorLayout, bits: number, low: number, high: number): void {
  const rowWords = (l.width * bits) >> 5;
  const v = new Uint32Array(buf.buffer, buf.byteOffset, rowWords * l.rows);
  const spread = bits === 8 ? 0x01010101 : 0x00010001; // a pixel's value in every pixel's place
  const rest = 32 - bits;
  for (let r = 0; r < l.rows; r++) {
    let carry = 0; // the last pixel's sum so far
    for (let i = r * rowWords, end = i + rowWords; i < end; i++) {
      let t = v[i] as number;
      t = add(t, t << bits, low, high);
      if (bits === 8) t = add(t, t << 16, low, high);
      t = add(t, Math.imul(carry, spread), low, high);
      v[i] = t;
      carry = t >>> rest;
    }
  }
}

/** Apply predictor 2 to words of 8- or 16-bit pixels (`bits`). */
export function packedDifferences(buf: Uint8Array, l: PredictorLayout, bits: number, low: number, high: number): void {
  const rowWords = (l.width * bits) >> 5;
  const v = new Uint32Array(buf.buffer, buf.byteOffset, rowWords * l.rows);
  const rest = 32 - bits;
  for (let r = 0; r < l.rows; r++) {
    const s = r * rowWords;
    for (let i = s + rowWords - 1; i >= s; i--) {
      const x = v[i] as number;
      // Each pixel's left neighbour: the word shifted up a pixel, the last word's top pixel below.
      const p = (x << bits) | (i > s ? (v[i - 1] as number) >>> rest : 0);
      v[i] = ((x | high) - (p & low)) ^ ((x ^ ~p) & high);
    }
  }
}
