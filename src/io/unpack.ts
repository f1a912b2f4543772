/**
 * A packed raster read as the values it stands for: `unpackSource(src)` presents a source whose
 * bands carry a scale and offset (a GeoTIFF's GDAL scale/offset, as `gdal_translate` writes them
 * for an ERA5 netCDF packed into int16) as `stored * scale + offset`, with the cells its nodata
 * or mask marks missing as NaN: what rioxarray's `mask_and_scale` gives, and what the Zarr reader
 * gives for a store packed with CF's `scale_factor` and `add_offset` (`zarr/cf.ts`, whose rules
 * this reuses: integers of up to 16 bits unpack to float32, computed in float32 as numpy does;
 * others to float64). A model then sees the same numbers from a packed GeoTIFF as from the Zarr
 * store it converts to, and from two files of one field packed with different scales (each
 * month of an ERA5 download has its own).
 *
 * A source without scale or offset (or with 1 and 0 on every band) is returned as it is; a scale
 * of 0, which would read every value as the offset, is refused naming the file and the band.
 *
 * @example
 * ```ts
 * import { openSource, unpackSource } from "tilecast/io";
 * const src = unpackSource(await openSource("fixtures/geotiff/i16.lzw.pred2.tiled.band.2b.tif"));
 * console.log(src.meta.dtype, src.meta.nodata); // float32 NaN
 * ```
 */
import { TilecastError } from "../errors.js";
import { createGrid, type Grid, type GridAttrs } from "../grid/grid.js";
import type { Window } from "../grid/window.js";
import type { GridSource, RasterMeta, ReadOptions } from "./types.js";
import { cfEncoding, cfUnpackInto } from "./zarr/cf.js";

/** How `inspect` writes one band's packing: "stored x 0.01 + 273.15" (no term for an offset of 0). */
export function packingTerm(scale: number, offset: number): string {
  return `stored x ${scale}${offset === 0 ? "" : offset < 0 ? ` - ${-offset}` : ` + ${offset}`}`;
}

/** True when a band of `attrs` has a scale other than 1 or an offset other than 0. */
export function isPacked(attrs: GridAttrs): boolean {
  return Boolean(attrs.scale?.some((s) => s !== 1) || attrs.offset?.some((o) => o !== 0));
}

/** `attrs` without the packing: the values they describe are already unpacked. */
function unpackedAttrs(attrs: GridAttrs): GridAttrs {
  const { scale: _s, offset: _o, ...rest } = attrs;
  return rest;
}

/** The source read unpacked; `src` itself when it is not packed. */
export function unpackSource(src: GridSource): GridSource {
  if (!isPacked(src.meta.attrs)) return src;
  const packed = src.meta;
  const zero = packed.attrs.scale?.findIndex((s) => s === 0) ?? -1;
  if (zero >= 0)
    throw new TilecastError(
      "E_FORMAT",
      `band ${zero + 1} has a scale of 0: every value would read as its offset (${packed.attrs.offset?.[zero] ?? 0})`,
      { path: packed.path },
    );
  const decoded = cfEncoding(packed.dtype, { scale_factor: 1 }, null).decoded;
  const meta: RasterMeta = { ...packed, dtype: decoded, nodata: Number.NaN, attrs: unpackedAttrs(packed.attrs) };
  return {
    meta,
    close: () => src.close(),
    async readWindow(w: Window, options?: ReadOptions): Promise<Grid> {
      const g = await src.readWindow(w, options);
      const bands = options?.bands ?? Array.from({ length: packed.bands }, (_, b) => b);
      const n = g.data.length / bands.length;
      const out = createGrid(decoded, g.shape, {
        dims: g.dims,
        georef: g.georef,
        nodata: Number.NaN,
        mask: g.mask,
        attrs: unpackedAttrs(g.attrs),
      });
      bands.forEach((band, i) => {
        const e = cfEncoding(
          g.dtype,
          { scale_factor: packed.attrs.scale?.[band] ?? 1, add_offset: packed.attrs.offset?.[band] ?? 0 },
          g.nodata,
        );
        cfUnpackInto(g.data.subarray(i * n, (i + 1) * n), e, out.data.subarray(i * n, (i + 1) * n));
      });
      if (g.mask) for (let j = 0; j < g.mask.length; j++) if (!g.mask[j]) out.data[j] = Number.NaN;
      return out;
    },
  };
}
