/**
 * Formats described as data (`{ id, extensions, sniff, open, create }`) behind one interface;
 * {@link openSource} picks a reader by magic bytes (local files) or extension (URLs),
 * {@link createSink} a writer by the output's extension. Later formats register here.
 *
 * @example
 * ```ts
 * import { openSource } from "tilecast";
 * const src = await openSource("fixtures/geotiff/u8.none.strip.1b.tif");
 * src.meta.format; // "geotiff"
 * ```
 */
import { open } from "node:fs/promises";
import { extname } from "node:path";
import { TilecastError } from "../errors.js";
import { isUrl } from "../util/url.js";
import { ensureParent } from "./atomic.js";
import { isTiffSignature } from "./geotiff/header.js";
import { openGeoTiff } from "./geotiff/reader.js";
import { createGeoTiffSink, type GeoTiffWriteOptions } from "./geotiff/writer.js";
import type { GridSink, GridSource, SinkSpec } from "./types.js";
import { isZarrStore } from "./zarr/detect.js";
import { createZarrSink, type ZarrWriteOptions } from "./zarr/sink.js";
import { openZarrSource, type ZarrSourceOptions } from "./zarr/source.js";

/** Writer options every format understands (formats ignore what does not apply). */
export type SinkOptions = GeoTiffWriteOptions & ZarrWriteOptions;

/** Reader options (formats ignore what does not apply). */
export interface OpenOptions extends ZarrSourceOptions {
  signal?: AbortSignal;
}

/** A format: how to recognise, read and write it. */
export interface FormatDriver {
  readonly id: string;
  readonly extensions: readonly string[];
  sniff(head: Uint8Array): boolean;
  open(path: string, options: OpenOptions): Promise<GridSource>;
  create?(path: string, spec: SinkSpec, options: SinkOptions): Promise<GridSink>;
}

const drivers: FormatDriver[] = [
  {
    id: "geotiff",
    extensions: [".tif", ".tiff", ".gtiff"],
    sniff: isTiffSignature,
    open: (path, o) => openGeoTiff(path, o.signal),
    create: createGeoTiffSink,
  },
  {
    id: "zarr",
    extensions: [".zarr"],
    sniff: () => false, // a directory: recognised by isZarrStore
    open: openZarrSource,
    create: createZarrSink,
  },
];

/** Add a format (later registrations win on conflicts). */
export function registerFormat(d: FormatDriver): void {
  drivers.unshift(d);
}

/** The registered formats. */
export function formats(): readonly FormatDriver[] {
  return drivers;
}

async function head(path: string): Promise<Uint8Array | null> {
  try {
    const fh = await open(path, "r");
    try {
      const b = new Uint8Array(16);
      const { bytesRead } = await fh.read(b, 0, 16, 0);
      return b.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new TilecastError("E_NOT_FOUND", "no such file", { path, cause: e });
    if (code === "EISDIR") return null;
    throw new TilecastError("E_NOT_FOUND", `cannot open (${code ?? "error"})`, { path, cause: e });
  }
}

function byExtension(path: string): FormatDriver | undefined {
  const ext = extname(path.replace(/[?#].*$/, "").replace(/\/+$/, "")).toLowerCase();
  return drivers.find((d) => d.extensions.includes(ext));
}

const driver = (id: string) => drivers.find((x) => x.id === id) as FormatDriver;

/** Open any supported raster for reading (a Zarr store opens one variable). */
export async function openSource(path: string, options: OpenOptions = {}): Promise<GridSource> {
  if (isUrl(path)) return (byExtension(path) ?? driver("geotiff")).open(path, options);
  if (await isZarrStore(path)) return driver("zarr").open(path, options);
  const h = await head(path);
  if (h !== null && h.length === 0) throw new TilecastError("E_TRUNCATED", "file is empty", { path });
  const d = (h && drivers.find((x) => x.sniff(h))) ?? byExtension(path);
  if (!d || d.id === "zarr")
    throw new TilecastError("E_FORMAT", "unrecognised format (not a GeoTIFF or Zarr store)", { path });
  return d.open(path, options);
}

/** Create an output, its format chosen by the extension. */
export async function createSink(path: string, spec: SinkSpec, options: SinkOptions = {}): Promise<GridSink> {
  const d = byExtension(path);
  if (!d?.create) {
    const known = drivers.filter((x) => x.create).flatMap((x) => x.extensions);
    throw new TilecastError("E_ARGUMENT", `cannot write this format; use one of ${known.join(", ")}`, { path });
  }
  await ensureParent(path);
  return d.create(path, spec, options);
}
