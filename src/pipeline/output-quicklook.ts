/** A quicklook PNG of a written output, for outputs small enough to read whole. */

import { writeQuicklook } from "../io/png/quicklook.js";
import { openSource } from "../io/registry.js";

/** Largest output (pixels) a quicklook reads whole. */
export const QUICKLOOK_MAX_PIXELS = 16 * 1024 * 1024;

/** Write `png` from the raster at `path`; returns the PNG path, or null when the raster is too large. */
export async function writeOutputQuicklook(path: string, png: string): Promise<string | null> {
  const src = await openSource(path);
  try {
    const { width, height } = src.meta;
    if (width * height > QUICKLOOK_MAX_PIXELS) return null;
    await writeQuicklook(await src.readWindow({ x: 0, y: 0, width, height }), png);
    return png;
  } finally {
    await src.close();
  }
}
