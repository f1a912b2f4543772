/**
 * `inspect`: what a raster is, as one plain object (the CLI prints it, `--json` as is).
 *
 * @example
 * ```ts
 * import { openGeoTiff, describeRaster } from "tilecast/io";
 * const src = await openGeoTiff("fixtures/geotiff/u8.none.strip.1b.tif");
 * const info = describeRaster(src);
 * await src.close();
 * info.transform; // [x0, dx, rx, y0, ry, dy] in GDAL order
 * ```
 */
import { epsgName } from "../../grid/crs.js";
import type { DType } from "../../grid/dtype.js";
import { placingTransform } from "../../grid/grid.js";
import { bandUnitsOf } from "../carried-attrs.js";
import type { GridSource } from "../types.js";
import { isPacked, packingTerm } from "../unpack.js";
import type { GeoTiffMeta } from "./reader.js";

/** The fields `tilecast inspect --json` prints. */
export interface RasterInfo {
  format: string;
  path: string;
  width: number;
  height: number;
  bands: number;
  dtype: DType;
  /** Null with GCPs too, as gdalinfo -json reports no geoTransform then. */
  transform: number[] | null;
  /** Ground control points, when they georeference the raster instead of a transform. */
  gcps: { pixel: number; line: number; x: number; y: number; z: number }[] | null;
  /** The RPCs (92 numbers in GDAL's order, `grid/rpc.ts`), or null. */
  rpc: number[] | null;
  crs: {
    epsg: number | null;
    name: string | null;
    wkt: string | null;
    proj4: string | null;
  } | null;
  /** The nodata value; NaN is written "nan" (JSON has no NaN), as gdalinfo -json does. */
  nodata: number | "nan" | null;
  blockSize: [number, number];
  compression: string | null;
  overviews: { width: number; height: number }[];
  /** A GeoTIFF's GDAL mask (cells it marks 0 read as invalid): `internal`, `external` (.msk), or null. */
  mask: "internal" | "external" | null;
  rasterType: "area" | "point" | null;
  bandNames: (string | null)[] | null;
  /** Band 1's colour table (red, green, blue, alpha per value), or null. */
  colorTable: number[][] | null;
  /** Each band's scale and offset (value = stored * scale + offset), or null when not packed. */
  packing: { scale: number[]; offset: number[] } | null;
  /** Each band's unit, or null when none is known. */
  units: (string | null)[] | null;
}

/** Describe an open raster (format-specific fields, such as compression, when the source has them). */
export function describeRaster(src: GridSource): RasterInfo {
  const path = src.meta.path;
  const m = src.meta as Partial<GeoTiffMeta> & typeof src.meta;
  const crs = m.georef?.crs ?? null;
  return {
    format: m.format,
    path,
    width: m.width,
    height: m.height,
    bands: m.bands,
    dtype: m.dtype,
    transform: m.georef && placingTransform(m.georef) ? [...m.georef.transform] : null,
    gcps: m.georef?.gcps?.length ? m.georef.gcps.map((p) => ({ ...p })) : null,
    rpc: m.georef?.rpc ? [...m.georef.rpc] : null,
    crs: crs && {
      epsg: crs.epsg,
      name: crs.epsg ? epsgName(crs.epsg) : null,
      wkt: crs.wkt,
      proj4: crs.proj4,
    },
    nodata: m.nodata === null ? null : Number.isNaN(m.nodata) ? "nan" : m.nodata,
    blockSize: [m.blockWidth, m.blockHeight],
    compression: m.compression ?? null,
    overviews: [...(m.overviews ?? [])],
    mask: m.maskSource ?? null,
    rasterType: m.georef?.rasterType ?? null,
    bandNames: m.attrs.bandNames ? [...m.attrs.bandNames] : null,
    colorTable: m.attrs.colorTable ? m.attrs.colorTable.map((e) => [...e]) : null,
    packing: isPacked(m.attrs)
      ? {
          scale: Array.from({ length: m.bands }, (_, b) => m.attrs.scale?.[b] ?? 1),
          offset: Array.from({ length: m.bands }, (_, b) => m.attrs.offset?.[b] ?? 0),
        }
      : null,
    units: bandUnitsOf(m.attrs, m.bands),
  };
}

/** "value = stored x 0.01 + 273.15", or one such term per band where the bands differ. */
function packingText(p: NonNullable<RasterInfo["packing"]>): string {
  const term = (b: number) => packingTerm(p.scale[b] ?? 1, p.offset[b] ?? 0);
  const same = p.scale.every((s, b) => s === p.scale[0] && p.offset[b] === p.offset[0]);
  return same ? `value = ${term(0)}` : p.scale.map((_, b) => `band ${b + 1}: ${term(b)}`).join(", ");
}

/** How `inspect` names a CRS: its EPSG code and name, else its PROJ string or WKT; "none". */
export function crsLabel(crs: RasterInfo["crs"]): string {
  if (!crs) return "none";
  return crs.epsg ? `EPSG:${crs.epsg}${crs.name ? ` (${crs.name})` : ""}` : (crs.proj4 ?? crs.wkt ?? "custom");
}

/** A human-readable, multi-line rendering of {@link RasterInfo} (what `tilecast inspect` prints). */
export function formatInfo(i: RasterInfo): string {
  const crs = crsLabel(i.crs);
  const lines = [
    `${i.path}`,
    `  format       ${i.format}`,
    `  size         ${i.width} x ${i.height}, ${i.bands} band${i.bands === 1 ? "" : "s"}, ${i.dtype}`,
    `  transform    ${i.transform ? i.transform.join(", ") : "none"}`,
    `  crs          ${crs}`,
    `  nodata       ${i.nodata ?? "none"}`,
    `  block        ${i.blockSize[0]} x ${i.blockSize[1]}`,
    `  compression  ${i.compression ?? "n/a"}`,
    `  overviews    ${i.overviews.length ? i.overviews.map((o) => `${o.width}x${o.height}`).join(", ") : "none"}`,
  ];
  if (i.rpc) lines.push("  rpc          rational polynomial coefficients (92)");
  if (i.gcps) lines.push(`  gcps         ${i.gcps.length} ground control points (no transform)`);
  if (i.rasterType === "point")
    lines.push("  pixels       PixelIsPoint (transform refers to corners, as GDAL reports)");
  if (i.mask) lines.push(`  mask         ${i.mask} (GDAL per-dataset mask: cells it marks 0 are invalid)`);
  if (i.colorTable) lines.push(`  colours      a colour table of ${i.colorTable.length} entries (palette)`);
  if (i.bandNames) lines.push(`  band names   ${i.bandNames.map((n) => n ?? "-").join(", ")}`);
  if (i.units) lines.push(`  units        ${i.units.map((u) => u || "-").join(", ")}`);
  if (i.packing) lines.push(`  packing      ${packingText(i.packing)}; pipelines read the values unpacked`);
  return lines.join("\n");
}
