/**
 * Colour layouts GDAL does not read as stored samples: what it converts to RGBA, and the WebP
 * layouts libtiff does not decode. tilecast refuses them by name rather than read other values.
 */

/** What an image's samples are, as far as these rules look. */
export interface ColourLayout {
  compression: number;
  photometric: number;
  /** Bits per sample of the first sample. */
  bits: number;
  spp: number;
  planar: 1 | 2;
}

/** Why tilecast does not read this layout as GDAL does, or null when it does. */
export function colourProblem(c: ColourLayout): string | null {
  // GDAL reads these through libtiff's RGBA interface, as four bands of converted colour
  // (SOURCE_COLOR_SPACE in its metadata): 8-bit CMYK (4 samples or more), 8-bit CIELab (3
  // samples), YCbCr without JPEG. tilecast would read the stored samples: other values.
  const converted =
    c.bits === 8 && c.photometric === 5 && c.spp >= 4
      ? "CMYK"
      : c.bits === 8 && c.photometric === 8 && c.spp === 3
        ? "CIELab"
        : c.photometric === 6 && c.compression !== 7
          ? "YCbCr without JPEG"
          : null;
  if (converted) return `${converted} colour (GDAL reads it converted to RGBA; tilecast does not convert it)`;
  // libtiff decodes WebP into RGB or RGBA only: pixel-interleaved, 3 or 4 samples (tif_webp.c).
  if (c.compression !== 50001) return null;
  if (c.planar === 2 && c.spp > 1)
    return "webp compression of band-interleaved samples (libtiff reads WebP pixel-interleaved only)";
  if (c.spp !== 3 && c.spp !== 4)
    return `webp compression of ${c.spp} samples per pixel (libtiff reads 3, RGB, or 4, RGBA)`;
  return null;
}
