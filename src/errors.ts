/**
 * Typed errors for tilecast. Every error a user can see is a {@link TilecastError}: it carries a
 * machine-readable `code`, the `path` (file, URL or stage) involved, and the underlying `cause`.
 * Its `message` is one line that names the file and the problem, so the CLI can print it as is.
 *
 * @example
 * ```ts
 * import { TilecastError, isTilecastError } from "tilecast";
 * try {
 *   throw new TilecastError("E_FORMAT", "not a TIFF file", { path: "scene.tif" });
 * } catch (e) {
 *   if (isTilecastError(e)) console.log(e.code, e.message); // E_FORMAT scene.tif: not a TIFF file
 * }
 * ```
 */
export type ErrorCode =
  | "E_NOT_FOUND" // input missing
  | "E_FORMAT" // not the format we expected, or malformed structure
  | "E_TRUNCATED" // file ends before the data it declares
  | "E_CORRUPT" // a block fails to decode
  | "E_UNSUPPORTED" // valid file using a feature we do not support
  | "E_TOO_LARGE" // declared sizes beyond what is plausible
  | "E_WRITE" // output could not be written
  | "E_ARGUMENT" // bad option or argument
  | "E_ABORTED"; // cancelled by a signal

/** Exit code the CLI uses for each error code: 2 for usage errors, 1 for everything else. */
export function exitCodeFor(code: ErrorCode): number {
  return code === "E_ARGUMENT" ? 2 : 1;
}

/** Options accepted by {@link TilecastError}. */
export interface TilecastErrorOptions {
  /** File, URL or stage the error concerns; prefixed to the message. */
  path?: string;
  /** The underlying error, kept for `--debug`. */
  cause?: unknown;
}

/** The one error class tilecast throws at users. See the module doc for an example. */
export class TilecastError extends Error {
  override readonly name = "TilecastError";
  readonly code: ErrorCode;
  readonly path: string | undefined;
  /** The problem without the path prefix. */
  readonly problem: string;

  constructor(code: ErrorCode, problem: string, options: TilecastErrorOptions = {}) {
    const oneLine = problem.replace(/\s*\n\s*/g, " ").trim();
    super(options.path ? `${options.path}: ${oneLine}` : oneLine, { cause: options.cause });
    this.code = code;
    this.path = options.path;
    this.problem = oneLine;
  }
}

/** Narrow an unknown thrown value to a {@link TilecastError}. */
export function isTilecastError(e: unknown): e is TilecastError {
  return e instanceof TilecastError;
}

/** A short one-line description of any thrown value (for wrapping dependency errors). */
export function describe(e: unknown): string {
  if (e instanceof Error) return e.message.split("\n")[0] ?? String(e);
  return String(e);
}
