/**
 * Segmentation quicklooks: the classes drawn over the image, so a reader sees at a glance what
 * the model found where. The image is stretched as {@link renderQuicklook} does; each class but
 * the first (the background: land, "no object") is blended over it in its palette colour at
 * `alpha`; class nodata (255) and image nodata stay transparent.
 *
 * @example
 * ```ts
 * import { createGrid, writeClassOverlay } from "tilecast";
 * const image = createGrid("float32", [3, 2, 2], { data: Float32Array.from([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]) });
 * const classes = createGrid("uint8", [1, 2, 2], { data: Uint8Array.from([0, 1, 2, 255]), nodata: 255 });
 * await writeClassOverlay("/tmp/overlay.png", image, classes);
 * ```
 */
import type { ColorEntry, Grid } from "../../grid/grid.js";
import { renderQuicklook, writePng } from "./quicklook.js";

/** Colours of classes 1, 2, 3, ... (class 0 is left clear): blue, yellow, red, green, ... */
export const CLASS_PALETTE: readonly (readonly [number, number, number])[] = [
  [30, 120, 255],
  [255, 220, 0],
  [230, 40, 40],
  [40, 200, 80],
  [200, 80, 220],
  [0, 210, 210],
  [255, 140, 0],
];

/**
 * The colour table of a class raster with `classes` classes, in the quicklook's colours: class 0
 * black, the others from {@link CLASS_PALETTE} in turn, all opaque (GDAL makes the nodata value's
 * entry clear when it reads the file back).
 */
export function classColorTable(classes: number): ColorEntry[] {
  return Array.from({ length: Math.max(1, Math.min(256, classes)) }, (_, c) => {
    const [r, g, b] = c === 0 ? [0, 0, 0] : (CLASS_PALETTE[(c - 1) % CLASS_PALETTE.length] as readonly number[]);
    return [r, g, b, 255] as ColorEntry;
  });
}

/** RGBA pixels of `classes` over `image` (same height and width). */
export function renderClassOverlay(
  image: Grid,
  classes: Grid,
  alpha = 0.5,
): { rgba: Uint8Array; width: number; height: number } {
  const [nb] = image.shape as [number];
  const q = renderQuicklook(image, { bands: nb >= 3 ? [0, 1, 2] : [0], maxSize: Number.POSITIVE_INFINITY });
  const n = q.width * q.height;
  for (let i = 0; i < n; i++) {
    const c = classes.data[i] as number;
    if (c === 0 || c === classes.nodata || (classes.mask && !classes.mask[i])) continue;
    const colour = CLASS_PALETTE[(c - 1) % CLASS_PALETTE.length] as readonly [number, number, number];
    for (let k = 0; k < 3; k++)
      q.rgba[i * 4 + k] = Math.round((1 - alpha) * (q.rgba[i * 4 + k] as number) + alpha * (colour[k] as number));
  }
  return q;
}

/** Write the overlay PNG (atomically). */
export async function writeClassOverlay(path: string, image: Grid, classes: Grid, alpha = 0.5): Promise<void> {
  const { rgba, width, height } = renderClassOverlay(image, classes, alpha);
  await writePng(rgba, width, height, path);
}
