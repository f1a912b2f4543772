/**
 * Pixel windows: a rectangle of columns `[x, x + width)` and rows `[y, y + height)`.
 * Pure arithmetic, no I/O.
 *
 * @example
 * ```ts
 * import { intersectWindows, padWindow } from "tilecast/grid";
 * const halo = padWindow({ x: 0, y: 0, width: 256, height: 256 }, 32); // x: -32 ... width: 320
 * intersectWindows(halo, { x: 0, y: 0, width: 1000, height: 1000 }); // { x: 0, y: 0, width: 288, height: 288 }
 * ```
 */
export interface Window {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A window with the given extents. */
export function win(x: number, y: number, width: number, height: number): Window {
  return { x, y, width, height };
}

/** True when the window holds no pixel. */
export function isEmpty(w: Window): boolean {
  return w.width <= 0 || w.height <= 0;
}

/** The overlap of two windows (width/height 0 when they do not overlap). */
export function intersect(a: Window, b: Window): Window {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/** The window grown by `n` pixels on every side (shrunk when negative). */
export function pad(w: Window, n: number): Window {
  return { x: w.x - n, y: w.y - n, width: w.width + 2 * n, height: w.height + 2 * n };
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Window, inner: Window): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/** `w` expressed relative to the origin of `frame` (both in the same pixel space). */
export function relativeTo(w: Window, frame: Window): Window {
  return { x: w.x - frame.x, y: w.y - frame.y, width: w.width, height: w.height };
}

/** Number of pixels in the window. */
export function area(w: Window): number {
  return Math.max(0, w.width) * Math.max(0, w.height);
}
