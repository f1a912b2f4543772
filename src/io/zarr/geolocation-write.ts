/**
 * A Zarr output's 2-D latitude and longitude, copied from the swath it was made from
 * (`Georef.geolocation`, read by `curvilinear.ts`) so that its cells keep their positions: `lat`
 * and `lon` arrays over `(y, x)`, chunked as the data and named in the variable's `coordinates`
 * attribute, as xarray writes auxiliary coordinates. They are copied a chunk at a time, so a swath
 * larger than memory is copied in bounded memory.
 *
 * Every ground control point the output carries must lie on those arrays (its cell's latitude and
 * longitude, exactly), checked chunk by chunk as they are copied: a grid changed on the way that
 * forgot to drop the reference fails there, and the output is refused as before, nothing of it
 * left.
 */
import { join } from "node:path";
import { TilecastError } from "../../errors.js";
import { blockWindow, makeBlockGrid } from "../../grid/block-grid.js";
import type { Gcp, Geolocation } from "../../grid/grid.js";
import { createGrid } from "../../grid/grid.js";
import { mapLimit } from "../../util/map-limit.js";
import { atomicWrite } from "../atomic.js";
import { encodedChunk } from "./chunk-writer.js";
import type { Compressor } from "./codecs.js";
import { openZarr, type ZarrArrayInfo } from "./dataset.js";
import { type ArraySpec, chunkKey } from "./metadata.js";
import { readPositions } from "./read.js";

/** The arrays to copy, and where the output's first cell is in them. */
export interface GeolocationCopy {
  lat: ZarrArrayInfo;
  lon: ZarrArrayInfo;
  x: number;
  y: number;
  /** The output's GCPs, each of which must lie on the arrays. */
  gcps: readonly Gcp[];
  /** The output, for errors. */
  path: string;
}

const REFUSED =
  "a raster georeferenced by ground control points has no Zarr x/y coordinates: warp it first (gdalwarp) or write a GeoTIFF";

/**
 * The geolocation arrays for an output of `width` x `height` cells placed by `gcps`; an error
 * naming the output when there are none (GCPs of a GeoTIFF), they do not cover it, or a GCP is
 * not at a cell's centre inside it. That each GCP's position is its cell's is checked as the
 * arrays are copied ({@link copyGeolocation}).
 */
export async function geolocationFor(
  g: Geolocation | undefined,
  gcps: readonly Gcp[],
  width: number,
  height: number,
  path: string,
): Promise<GeolocationCopy> {
  if (!g) throw new TilecastError("E_UNSUPPORTED", REFUSED, { path });
  const ds = await openZarr(g.store);
  const lat = ds.arrays.get(g.lat);
  const lon = ds.arrays.get(g.lon);
  const covers = (a: ZarrArrayInfo | undefined): a is ZarrArrayInfo =>
    a !== undefined && g.x >= 0 && g.y >= 0 && g.x + width <= (a.shape[1] ?? 0) && g.y + height <= (a.shape[0] ?? 0);
  if (!covers(lat) || !covers(lon)) throw new TilecastError("E_UNSUPPORTED", REFUSED, { path });
  const inside = (v: number, n: number) => Number.isInteger(v - 0.5) && v > 0 && v < n;
  if (!gcps.every((p) => inside(p.pixel, width) && inside(p.line, height)))
    throw new TilecastError("E_UNSUPPORTED", REFUSED, { path });
  return { lat, lon, x: g.x, y: g.y, gcps, path };
}

/** The metadata of an output's `lat` or `lon` array. */
function geolocationSpec(
  name: "lat" | "lon",
  width: number,
  height: number,
  tile: number,
  compressor: Compressor | null,
): ArraySpec {
  const lat = name === "lat";
  return {
    name,
    dims: ["y", "x"],
    shape: [height, width],
    chunks: [Math.min(tile, height), Math.min(tile, width)],
    dtype: "float64",
    fillValue: Number.NaN,
    compressor,
    attrs: {
      units: lat ? "degrees_north" : "degrees_east",
      standard_name: lat ? "latitude" : "longitude",
      long_name: lat ? "latitude" : "longitude",
    },
  };
}

/**
 * Copy the `lat` and `lon` arrays of an output of `width` x `height` cells into the store being
 * built at `root`, in chunks of `tile`; their metadata, for the store's documents.
 */
export async function copyGeolocation(
  root: string,
  format: 2 | 3,
  copy: GeolocationCopy,
  width: number,
  height: number,
  tile: number,
  compressor: Compressor | null,
  where: string,
): Promise<ArraySpec[]> {
  const specs: ArraySpec[] = [];
  for (const [name, from] of [
    ["lat", copy.lat],
    ["lon", copy.lon],
  ] as const) {
    const spec = geolocationSpec(name, width, height, tile, compressor);
    await writeGeolocation(root, format, spec, from, copy, where);
    specs.push(spec);
  }
  return specs;
}

/**
 * Copy one array into the store being built at `root`, a chunk at a time, a few in flight (each
 * compressed on a codec worker, as the data's chunks are).
 */
async function writeGeolocation(
  root: string,
  format: 2 | 3,
  spec: ArraySpec,
  from: ZarrArrayInfo,
  copy: GeolocationCopy,
  where: string,
): Promise<void> {
  const [height, width] = spec.shape as [number, number];
  const [ch, cw] = spec.chunks as [number, number];
  const blocks = makeBlockGrid(width, height, cw, ch);
  const keys = Array.from({ length: blocks.rows * blocks.cols }, (_, k) => [
    Math.floor(k / blocks.cols),
    k % blocks.cols,
  ]);
  await mapLimit(keys, IN_FLIGHT, async ([by = 0, bx = 0]) => {
    const w = blockWindow(blocks, bx, by);
    const v = await readPositions(
      from,
      [
        [copy.y + w.y, copy.y + w.y + w.height],
        [copy.x + w.x, copy.x + w.x + w.width],
      ],
      where,
    );
    // The GCPs in this chunk lie on the arrays, or the output is refused (and left unwritten).
    for (const p of copy.gcps) {
      const [i, j] = [p.pixel - 0.5 - w.x, p.line - 0.5 - w.y];
      if (i < 0 || j < 0 || i >= w.width || j >= w.height) continue;
      if (!onCell(v[j * w.width + i] as number, spec.name === "lat" ? p.y : p.x, spec.name === "lon"))
        throw new TilecastError("E_UNSUPPORTED", REFUSED, { path: copy.path });
    }
    const g = createGrid("float64", [1, w.height, w.width], { data: v });
    const bytes = await encodedChunk(g, 0, ch, cw, "float64", Number.NaN, spec.compressor); // edges padded
    await atomicWrite(join(root, chunkKey(format, spec.name, [by, bx])), bytes);
  });
}

/**
 * Is a GCP's coordinate `p` its cell's stored value `v`: exactly, or for a longitude, exactly
 * 360 degrees from it (the GCPs of a swath across a meridian are taken in the form that keeps
 * them in one piece, while the arrays are copied as stored).
 */
function onCell(v: number, p: number, longitude: boolean): boolean {
  return v === p || (longitude && (v + 360 === p || v - 360 === p));
}

/** Chunks of a geolocation array in flight at once: enough to keep the codec workers busy. */
const IN_FLIGHT = 4;
