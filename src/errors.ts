/**
 * Typed errors for tilecast. Every error a user can see is a {@link TilecastError}: it carries a
 * machine-readable `code`, the `path` (file or URL) and the `stage` involved, and the underlying
 * `cause`. Its `message` is one line that names the file, the stage and the problem, so the CLI
 * can print it as is.
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

/** What kind of failure a {@link TilecastError} is. */
export type ErrorCode =
  | "E_NOT_FOUND" // input missing
  | "E_FORMAT" // not the format we expected, or malformed structure
  | "E_TRUNCATED" // file ends before the data it declares
  | "E_CORRUPT" // a block fails to decode
  | "E_UNSUPPORTED" // valid file using a feature we do not support
  | "E_TOO_LARGE" // declared sizes beyond what is plausible
  | "E_WRITE" // output could not be written
  | "E_ARGUMENT" // bad option or argument
  | "E_STALL" // a stream stopped making progress (tiles never released)
  | "E_STAGE" // a user-supplied stage or model failed with an error of its own
  | "E_ABORTED"; // cancelled by a signal

/**
 * The exit code the CLI uses for an error code: 2 for usage errors, 1 for everything else.
 *
 * @example
 * ```ts
 * import { exitCodeFor } from "tilecast";
 * console.log(exitCodeFor("E_ARGUMENT"), exitCodeFor("E_CORRUPT")); // 2 1
 * ```
 */
export function exitCodeFor(code: ErrorCode): number {
  return code === "E_ARGUMENT" ? 2 : 1;
}

/** Options accepted by {@link TilecastError}. */
export interface TilecastErrorOptions {
  /** File or URL the error concerns; prefixed to the message. */
  path?: string;
  /** The stream stage (`read`, `normalize`, `predict`, ...) that failed; named in the message. */
  stage?: string;
  /** The underlying error, kept for `--debug`. */
  cause?: unknown;
}

/**
 * `text` on one line: each line break, with the blanks around it, made one space. Split rather
 * than matched with blanks either side of the break, which rescans a long run of blanks at every
 * position (a hostile value quoted in a message).
 */
function oneLineOf(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l, i, all) => l !== "" || i === 0 || i === all.length - 1)
    .join(" ")
    .trim();
}

/**
 * The one error class tilecast throws at users. The message reads
 * `PATH: stage STAGE: PROBLEM` (each part only when known), on one line.
 *
 * @example
 * ```ts
 * import { TilecastError } from "tilecast";
 * const e = new TilecastError("E_ARGUMENT", "batch size must be a positive integer, got 0", { stage: "batch" });
 * console.log(e.message); // stage batch: batch size must be a positive integer, got 0
 * ```
 */
export class TilecastError extends Error {
  override readonly name = "TilecastError";
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly stage: string | undefined;
  /** The problem without the path and stage prefixes. */
  readonly problem: string;

  constructor(code: ErrorCode, problem: string, options: TilecastErrorOptions = {}) {
    const oneLine = oneLineOf(problem);
    const prefix = [options.path, options.stage && `stage ${options.stage}`].filter(Boolean).join(": ");
    super(prefix ? `${prefix}: ${oneLine}` : oneLine, { cause: options.cause });
    this.code = code;
    this.path = options.path;
    this.stage = options.stage;
    this.problem = oneLine;
  }
}

/**
 * Narrow an unknown thrown value to a {@link TilecastError}.
 *
 * @example
 * ```ts
 * import { isTilecastError } from "tilecast";
 * console.log(isTilecastError(new Error("x"))); // false
 * ```
 */
export function isTilecastError(e: unknown): e is TilecastError {
  return e instanceof TilecastError;
}

/**
 * A short one-line description of any thrown value (for wrapping dependency errors).
 *
 * @example
 * ```ts
 * import { errorLine } from "tilecast";
 * console.log(errorLine(new Error("first\nsecond"))); // first
 * ```
 */
export function errorLine(e: unknown): string {
  if (e instanceof Error) return e.message.split("\n")[0] ?? String(e);
  return String(e);
}

/**
 * The error a stage reports. A {@link TilecastError} keeps its message (tilecast's own errors
 * already say what and where) and gains `stage` unless an earlier stage claimed it (errors flow
 * downstream through every later stage); anything else (a user's stage or model throwing its own
 * error) becomes an `E_STAGE` error whose message names the stage, the original kept as `cause`.
 *
 * @example
 * ```ts
 * import { stageError } from "tilecast";
 * console.log(stageError("predict", new RangeError("bad shape")).message); // stage predict: bad shape
 * ```
 */
export function stageError(stage: string, e: unknown): TilecastError {
  if (e instanceof TilecastError) {
    if (e.stage === undefined) Object.defineProperty(e, "stage", { value: stage });
    return e;
  }
  return new TilecastError("E_STAGE", errorLine(e), { stage, cause: e });
}
