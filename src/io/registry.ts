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
import { isTiffSignature } from "./geotiff/header.js";
import { openGeoTiff } from "./geotiff/reader.js";
import { createGeoTiffSink, type GeoTiffWriteOptions } from "./geotiff/writer.js";
import type { GridSink, GridSource, SinkSpec } from "./types.js";

/** Writer options every format understands (formats ignore what does not apply). */
export type SinkOptions = GeoTiffWriteOptions;

/** A format: how to recognise, read and write it. */
export interface FormatDriver {
  readonly id: string;
  readonly extensions: readonly string[];
  sniff(head: Uint8Array): boolean;
  open(path: string, signal?: AbortSignal): Promise<GridSource>;
  create?(path: string, spec: SinkSpec, options: SinkOptions): Promise<GridSink>;
}

const drivers: FormatDriver[] = [
  {
    id: "geotiff",
    extensions: [".tif", ".tiff", ".gtiff"],
    sniff: isTiffSignature,
    open: openGeoTiff,
    create: createGeoTiffSink,
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

const isUrl = (p: string) => /^https?:\/\//i.test(p);

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

/** Open any supported raster for reading. */
export async function openSource(path: string, signal?: AbortSignal): Promise<GridSource> {
  if (isUrl(path)) {
    const d = byExtension(path) ?? drivers.find((x) => x.id === "geotiff");
    return (d as FormatDriver).open(path, signal);
  }
  const h = await head(path);
  if (h !== null && h.length === 0) throw new TilecastError("E_TRUNCATED", "file is empty", { path });
  const d = (h && drivers.find((x) => x.sniff(h))) ?? byExtension(path);
  if (!d) throw new TilecastError("E_FORMAT", "unrecognised format (not a GeoTIFF)", { path });
  return d.open(path, signal);
}

/** Create an output, its format chosen by the extension. */
export async function createSink(path: string, spec: SinkSpec, options: SinkOptions = {}): Promise<GridSink> {
  const d = byExtension(path);
  if (!d?.create) {
    const known = drivers.filter((x) => x.create).flatMap((x) => x.extensions);
    throw new TilecastError("E_ARGUMENT", `cannot write this format; use one of ${known.join(", ")}`, { path });
  }
  return d.create(path, spec, options);
}
