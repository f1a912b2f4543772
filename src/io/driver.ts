/**
 * The contract of a format driver: everything tilecast needs to know about one format, as data.
 * The registry ({@link openSource}, {@link createSink}, `inspect`), the CLI's `convert` flags and
 * the pipeline file's `output` keys all ask the drivers; none of them names a format. A new
 * format is one folder (`src/io/NAME/` with its `driver.ts`) plus one line in the registry's list.
 */
import type { z } from "zod";
import type { GridSink, GridSource, SinkSpec } from "./types.js";

/** Reader options; a format ignores what does not apply to it. */
export interface OpenOptions {
  /** A store's variable to read (Zarr). */
  variable?: string;
  /** Fixed indices for a variable's other dims (`{ time: 3 }`). */
  index?: Readonly<Record<string, number>>;
  /** Leave out `index` entries for dims the variable lacks (variables stacked as bands). */
  indexWhereFound?: boolean;
  /**
   * Read a store's packed variable as stored, its packing as the bands' scale and offset and its
   * fill value as nodata (`convert` keeps packing so); by default it is read unpacked. A GeoTIFF's
   * bands are read as stored either way (`unpack.ts` unpacks them for models).
   */
  packed?: boolean;
  signal?: AbortSignal;
}

/** Writer options every format takes: the block (tile or chunk) size. */
export interface CommonSinkOptions {
  /** Output block size in pixels (default 256). */
  tileSize?: number;
}

/** How one writer option appears as a `tilecast convert` flag. */
export interface DriverFlag {
  /** The option's key in the driver's `optionsSchema`. */
  key: string;
  /** Commander syntax, e.g. `--compress <codec>`. */
  flag: string;
  help: string;
  /** Turn the flag's text into the option's value (default: the text). */
  parse?(text: string): unknown;
}

/**
 * A format: how to recognise, read, write and describe it.
 *
 * @example
 * ```ts
 * import { formats } from "tilecast/io";
 * console.log(formats().map((d) => `${d.id}: ${d.extensions.join(" ")}`)); // ["geotiff: .tif .tiff .gtiff", "zarr: .zarr", "cog: .tif .tiff"]
 * ```
 */
export interface FormatDriver {
  readonly id: string;
  /** Human name ("GeoTIFF"). */
  readonly title: string;
  readonly extensions: readonly string[];
  /** What an output is on disk: one file, or a directory (a store). */
  readonly layout: "file" | "directory";
  /**
   * Whether its outputs keep a mask beside the data (`SinkSpec.mask`). Without one, masked cells
   * are written as the nodata value, so a masked output needs one (see `maskedSpec`).
   */
  readonly masks: boolean;
  /**
   * Whether each band keeps a scale and offset of its own (a GeoTIFF's); where not (a Zarr
   * variable has one packing), bands packed differently are written unpacked (`band-packing.ts`).
   */
  readonly bandPacking: boolean;
  /**
   * Whether its files hold named variables with dimensions, chosen by `OpenOptions.variable` and
   * `index` (a store does); a GeoTIFF holds bands, and is refused those options.
   */
  readonly variables: boolean;
  /** Recognise a local path; `head` is its first 16 bytes (null for a directory). */
  detect(path: string, head: Uint8Array | null): Promise<boolean>;
  open(path: string, options: OpenOptions): Promise<GridSource>;
  /** Create an output (absent for read-only formats); `options` are parsed by `optionsSchema`. */
  create?(path: string, spec: SinkSpec, options: CommonSinkOptions & Record<string, unknown>): Promise<GridSink>;
  /** The writer options a pipeline's `output` and `convert` accept for this format. */
  readonly optionsSchema: z.ZodObject;
  /** Those options as `convert` flags. */
  readonly flags: readonly DriverFlag[];
  /**
   * What `inspect --json` prints for `path`; with `variable` (formats with variables), that one
   * variable and its coordinates, which is all a store that cannot be listed can give.
   */
  describe(path: string, variable?: string): Promise<object>;
  /** What `inspect` prints for the result of `describe`. */
  formatDescription(info: object): Promise<string>;
}
