/**
 * The formats tilecast reads and writes, as a list of {@link FormatDriver}s. {@link openSource}
 * picks a reader by content (magic bytes, store layout) for local paths and by extension for
 * URLs; {@link createSink} a writer by the output's extension, its options validated by that
 * driver's schema; {@link inspectPath} asks the driver to describe a file. Adding a format is one
 * folder with its `driver.ts` and one line in `drivers` below (or {@link registerFormat}).
 *
 * @example
 * ```ts
 * import { openSource } from "tilecast/io";
 * const src = await openSource("fixtures/geotiff/u8.none.strip.1b.tif");
 * console.log(src.meta.format); // geotiff
 * await src.close();
 * ```
 */
import { extname } from "node:path";
import { TilecastError } from "../errors.js";
import { storedValue } from "../grid/dtype.js";
import { safeParseNullAsAbsent } from "../util/null-as-absent.js";
import { isUrl } from "../util/url.js";
import { checkReplaceable, ensureParent } from "./atomic.js";
import type { CommonSinkOptions, FormatDriver, OpenOptions } from "./driver.js";
import { foreignFormat } from "./foreign-formats.js";
import { cogDriver, geoTiffDriver } from "./geotiff/driver.js";
import { openInputFile } from "./input-file.js";
import { reading } from "./reading.js";
import { stackSources } from "./stack.js";
import { sweepStaleTemps } from "./stale-temps.js";
import type { GridSink, GridSource, SinkSpec } from "./types.js";
import { zarrDriver } from "./zarr/driver.js";

// Extension lookups take the first match: a `.tif` output is a plain GeoTIFF unless asked for a COG.
const drivers: FormatDriver[] = [geoTiffDriver, zarrDriver, cogDriver];

/**
 * Add a format; it is tried before the built-in ones (later registrations win on conflicts).
 *
 * @example
 * ```ts
 * import { formats, geoTiffDriver, registerFormat } from "tilecast/io";
 * registerFormat({ ...geoTiffDriver, id: "gtiff-alias", extensions: [".gtif"] });
 * console.log(formats()[0].id); // gtiff-alias
 * ```
 */
export function registerFormat(d: FormatDriver): void {
  drivers.unshift(d);
}

/**
 * The registered formats, in the order they are tried.
 *
 * @example
 * ```ts
 * import { formats } from "tilecast/io";
 * console.log(formats().map((d) => d.id)); // ["geotiff", "zarr", "cog"]
 * ```
 */
export function formats(): readonly FormatDriver[] {
  return drivers;
}

async function head(path: string): Promise<Uint8Array | null> {
  try {
    const fh = await openInputFile(path);
    try {
      const b = new Uint8Array(16);
      const { bytesRead } = await fh.read(b, 0, 16, 0);
      return b.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof TilecastError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new TilecastError("E_NOT_FOUND", "no such file", { path, cause: e });
    if (code === "EISDIR") return null;
    throw new TilecastError("E_NOT_FOUND", `cannot open (${code ?? "error"})`, { path, cause: e });
  }
}

/**
 * The driver whose extensions include `path`'s (trailing slashes ignored, and a URL's query
 * and fragment; `?` and `#` in a local file's name are part of it).
 *
 * @example
 * ```ts
 * import { driverForExtension } from "tilecast/io";
 * console.log(driverForExtension("out/scene.zarr/")?.id); // zarr
 * ```
 */
export function driverForExtension(path: string): FormatDriver | undefined {
  const bare = isUrl(path) ? path.replace(/[?#].*$/, "") : path;
  const ext = extname(bare.replace(/\/+$/, "")).toLowerCase();
  return drivers.find((d) => d.extensions.includes(ext));
}

/**
 * The driver that writes `path`: the one named by `format` (its extensions must include the
 * path's), else the one its extension picks. An unknown format or a path it cannot take is an
 * error naming the path.
 *
 * @example
 * ```ts
 * import { outputDriver } from "tilecast/io";
 * console.log(outputDriver("out/scene.tif").id, outputDriver("out/scene.tif", "cog").id); // geotiff cog
 * ```
 */
export function outputDriver(path: string, format?: string): FormatDriver {
  const writable = drivers.filter((x) => x.create);
  if (format === undefined) {
    const d = driverForExtension(path);
    if (d?.create) return d;
    const known = [...new Set(writable.flatMap((x) => x.extensions))];
    throw new TilecastError("E_ARGUMENT", `cannot write this format; use one of ${known.join(", ")}`, { path });
  }
  const d = writable.find((x) => x.id === format);
  if (!d) {
    const ids = writable.map((x) => x.id).join(", ");
    throw new TilecastError("E_ARGUMENT", `unknown output format '${format}' (formats: ${ids})`, { path });
  }
  const ext = extname(path.replace(/\/+$/, "")).toLowerCase();
  if (!d.extensions.includes(ext))
    throw new TilecastError("E_ARGUMENT", `a ${d.title} output needs a ${d.extensions.join(" or ")} path`, { path });
  return d;
}

/**
 * The driver that reads `path`: by content for local paths (magic bytes, store layout), by
 * extension for URLs (GeoTIFF when unknown). A missing, empty or unrecognised file is an error
 * naming it.
 *
 * @example
 * ```ts
 * import { detectFormat } from "tilecast/io";
 * console.log((await detectFormat("fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr")).id); // zarr
 * ```
 */
export async function detectFormat(path: string): Promise<FormatDriver> {
  if (isUrl(path)) return driverForExtension(path) ?? geoTiffDriver;
  for (const d of drivers) if (await d.detect(path, null).catch(() => false)) return d;
  const h = await head(path);
  if (h !== null && h.length === 0) throw new TilecastError("E_TRUNCATED", "file is empty", { path });
  if (h) for (const d of drivers) if (await d.detect(path, h)) return d;
  const known = drivers.map((d) => d.title).join(" or ");
  // A format tilecast does not read, named with how to convert it, whatever the file is called.
  const other = h && foreignFormat(h, path);
  if (other)
    throw new TilecastError("E_FORMAT", `this is ${other.what}, which tilecast does not read: ${other.how}`, { path });
  // Content not recognised: the driver the name points to explains what is wrong with it.
  const byName = driverForExtension(path);
  if (byName && !(h !== null && byName.id === "zarr")) return byName;
  throw new TilecastError("E_FORMAT", `unrecognised format (not a ${known})`, { path });
}

/**
 * Open any supported raster for reading (a Zarr store opens one variable).
 *
 * @example
 * ```ts
 * import { openSource } from "tilecast/io";
 * const src = await openSource("fixtures/zarr/era5.t2m-i2-scaled.blosc-lz4.consolidated.zarr", { variable: "t2m", index: { time: 0 } });
 * console.log(src.meta.width, src.meta.height);
 * await src.close();
 * ```
 */
export async function openSource(path: string, options: SourceOptions = {}): Promise<GridSource> {
  const d = await detectFormat(path);
  const { variable, ...rest } = options;
  // A GeoTIFF opened with a variable would be read whole, once per variable named.
  const chosen = [
    ...(variable !== undefined ? ["--var (input.var)"] : []),
    ...(Object.keys(rest.index ?? {}).length ? ["--index (input.index)"] : []),
  ];
  if (chosen.length && !d.variables)
    throw new TilecastError(
      "E_ARGUMENT",
      `${chosen.join(" and ")} ${chosen.length > 1 ? "are" : "is"} for stores; a ${d.title} has bands, not variables or dimensions (a pipeline picks bands with input.bands)`,
      { path },
    );
  return reading(await openWith(d, path, variable, rest), path);
}

/** `path` opened by `d`: its one variable, or several as one raster's bands. */
async function openWith(
  d: FormatDriver,
  path: string,
  variable: SourceOptions["variable"],
  rest: Omit<OpenOptions, "variable">,
): Promise<GridSource> {
  if (typeof variable === "string" || variable === undefined)
    return d.open(path, { ...rest, ...(variable !== undefined ? { variable } : {}) });
  if (variable.length === 1) return d.open(path, { ...rest, variable: variable[0] as string });
  // Several variables: one raster of their bands (stack.ts); those opened are closed on an error.
  const opened: GridSource[] = [];
  try {
    // `--index time=0` fixes the variables that have a time dim; a static one beside them has none.
    for (const v of variable) opened.push(await d.open(path, { ...rest, variable: v, indexWhereFound: true }));
    return stackSources(opened, variable);
  } catch (e) {
    await Promise.all(opened.map((s) => s.close()));
    throw e;
  }
}

/** {@link openSource}'s options: a store's variable, or several read as one raster's bands. */
export type SourceOptions = Omit<OpenOptions, "variable"> & { variable?: string | readonly string[] };

/**
 * Validate writer options against a driver's schema; the error names the format and the key.
 *
 * @example
 * ```ts
 * import { geoTiffDriver, parseSinkOptions } from "tilecast/io";
 * console.log(parseSinkOptions(geoTiffDriver, { compress: "none" })); // { compress: "none" }
 * ```
 */
export function parseSinkOptions(d: FormatDriver, options: Record<string, unknown>, path?: string) {
  const r = safeParseNullAsAbsent(d.optionsSchema, options);
  if (r.success) return r.data as Record<string, unknown>;
  const issue = r.error.issues[0];
  const msg =
    issue?.code === "unrecognized_keys"
      ? `${d.title} outputs take no option '${(issue.keys as string[]).join("', '")}' (they take: ${Object.keys(d.optionsSchema.shape).join(", ")})`
      : `${d.title} output option ${issue?.path.join(".")}: ${issue?.message}`;
  throw new TilecastError("E_ARGUMENT", msg, { ...(path ? { path } : {}), cause: r.error });
}

/** Options for {@link createSink}: the block size and format id, plus the driver's own options. */
export type SinkOptions = CommonSinkOptions & { format?: string } & Record<string, unknown>;

/**
 * Create an output, its format chosen by `options.format` or else by the extension, and its
 * options checked by that format.
 *
 * @example
 * ```ts
 * import { createSink } from "tilecast/io";
 * const sink = await createSink("/tmp/tilecast-example/zeros.tif", { width: 32, height: 32, bands: 1, dtype: "uint8", georef: null, nodata: null }, { compress: "none" });
 * await sink.abort();
 * ```
 */
export async function createSink(path: string, spec: SinkSpec, options: SinkOptions = {}): Promise<GridSink> {
  const { tileSize, format, ...rest } = options;
  const d = outputDriver(path, format as string | undefined);
  if (spec.nodata !== null && storedValue(spec.dtype, spec.nodata) === null)
    throw new TilecastError("E_ARGUMENT", `nodata ${spec.nodata} cannot be stored as ${spec.dtype}`, { path });
  const parsed = parseSinkOptions(d, rest, path);
  await ensureParent(path);
  await checkReplaceable(path, d.layout);
  await sweepStaleTemps(path);
  return (d.create as NonNullable<FormatDriver["create"]>)(path, spec, {
    ...parsed,
    ...(tileSize !== undefined ? { tileSize } : {}),
  });
}

/**
 * Describe a raster as its format's driver does (what `tilecast inspect --json` prints) and the
 * driver's text rendering of it; a store's `variable` alone where one is named.
 *
 * @example
 * ```ts
 * import { inspectPath } from "tilecast/io";
 * const { info, text } = await inspectPath("fixtures/geotiff/u8.none.strip.1b.tif");
 * console.log((info as { width: number }).width, text.split("\n").length > 3);
 * ```
 */
export async function inspectPath(path: string, variable?: string): Promise<{ info: object; text: string }> {
  const d = await detectFormat(path);
  if (variable !== undefined && !d.variables)
    throw new TilecastError("E_ARGUMENT", `--var is for stores; a ${d.title} has bands, not variables`, { path });
  const info = await d.describe(path, variable);
  return { info, text: await d.formatDescription(info) };
}
