/**
 * The working form of a training sample during augmentation: the image as float32 planes,
 * one validity byte per pixel (0 where any band is nodata, or where a geometric transform
 * brought in a pixel from outside the tile), and an optional label raster sampled alongside.
 */
import { allocate, type DType } from "../grid/dtype.js";
import { createGrid, type Grid, pixelValidity } from "../grid/grid.js";

/**
 * The working form of a training sample during augmentation: the image as float32 planes, one validity byte per pixel (0 where any band is nodata, or where a geometric transform brought in a pixel from outside the tile), and an optional...
 * Details and a complete example: the module documentation above.
 */
export interface Sample {
  w: number;
  h: number;
  /** `bands` planes of `h x w`. */
  image: Float32Array;
  bands: number;
  /** One byte per pixel. */
  valid: Uint8Array;
  label: { data: Float32Array; bands: number; dtype: DType; nodata: number | null } | null;
}

/** Unpack a tile's grids. */
export function toSample(image: Grid, label?: Grid): Sample {
  const [bands, h, w] = image.shape as [number, number, number];
  const valid = pixelValidity(image) ?? new Uint8Array(h * w).fill(1);
  const [lb] = (label?.shape ?? [0]) as [number];
  return {
    w,
    h,
    image: Float32Array.from(image.data),
    bands,
    valid,
    label: label ? { data: Float32Array.from(label.data), bands: lb, dtype: label.dtype, nodata: label.nodata } : null,
  };
}

/**
 * Pack a sample back into grids: the image as float32 with a mask (invalid cells hold the
 * image's nodata value, or 0 when it has none); the label in its own dtype, invalid cells
 * holding its nodata value (or 0, masked).
 */
export function fromSample(s: Sample, like: Grid): { image: Grid<"float32">; label?: Grid } {
  const n = s.w * s.h;
  const mask = new Uint8Array(s.bands * n);
  const fill = like.nodata ?? 0;
  const data = Float32Array.from(s.image);
  for (let b = 0; b < s.bands; b++)
    for (let i = 0; i < n; i++) {
      mask[b * n + i] = s.valid[i] as number;
      if (!s.valid[i]) data[b * n + i] = fill;
    }
  const image = createGrid("float32", [s.bands, s.h, s.w], { data, nodata: like.nodata, mask, attrs: like.attrs });
  if (!s.label) return { image };
  const l = s.label;
  const ldata = allocate(l.dtype, l.bands * n);
  const lmask = l.nodata === null ? new Uint8Array(l.bands * n) : null;
  for (let b = 0; b < l.bands; b++)
    for (let i = 0; i < n; i++) {
      const ok = !Number.isNaN(l.data[b * n + i] as number); // NaN: brought in from outside the tile
      if (lmask) lmask[b * n + i] = ok ? 1 : 0;
      ldata[b * n + i] = ok ? (l.data[b * n + i] as number) : (l.nodata ?? 0);
    }
  return { image, label: createGrid(l.dtype, [l.bands, s.h, s.w], { data: ldata, nodata: l.nodata, mask: lmask }) };
}
