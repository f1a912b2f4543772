/**
 * A zlib or gzip stream inflated straight into memory the caller chose: a GeoTIFF block into its place
 * in its job's buffer, a Zarr chunk into the buffer the calling thread allocated for it
 * ({@link withDecodeTarget}). node:zlib's `inflateSync` allocates its own output, one buffer per
 * block, which a worker then copied into that memory; and when the output fills that buffer
 * exactly, as a Zarr chunk does, it allocates one more of the same size before it sees the end.
 *
 * One node:zlib `Inflate` (and one `Gunzip`) per thread is driven through its handle's
 * `writeSync`, the call `inflateSync` itself makes, and reset between streams. That handle is not node:zlib's public
 * API: where it is missing, and for any stream that does not end within the memory given
 * (corrupt, truncated, longer), the answer is null and the caller inflates the usual way, which
 * reports the error as it always has.
 */
import { constants, Gunzip, gunzipSync, Inflate, inflateSync } from "node:zlib";
import { intoOneBuffer } from "./inflate-options.js";

/** What `inflateSync` uses of an `Inflate` (node:zlib's lib/zlib.js). */
interface Internals {
  _handle?: {
    writeSync(
      flush: number,
      input: Uint8Array,
      inOff: number,
      inLen: number,
      out: Uint8Array,
      outOff: number,
      outLen: number,
    ): void;
  };
  /** After each write: the output bytes left unwritten, the input bytes left unread. */
  _writeState?: Uint32Array;
  /** Back to the start of a stream (every node:zlib stream has it; @types/node types it on some). */
  reset(): void;
}

type Stream = (Inflate | Gunzip) & Internals;

/** The formats: zlib's (`inflateSync`) and gzip's (`gunzipSync`, members one after another). */
export type InflateFormat = "zlib" | "gzip";

const streams: Record<InflateFormat, Stream | null> = { zlib: null, gzip: null };
let usable = true;
const spare = new Uint8Array(1);

/** This thread's stream of `format`, reset; or null when this Node's node:zlib lacks the handle. */
function ready(format: InflateFormat): Stream | null {
  const kept = streams[format];
  if (kept) {
    kept.reset();
    return kept;
  }
  if (!usable) return null;
  const s = (format === "gzip" ? new Gunzip() : new Inflate()) as Stream;
  if (typeof s._handle?.writeSync !== "function" || !(s._writeState instanceof Uint32Array)) {
    usable = false;
    return null;
  }
  s.on("error", () => {}); // the caller's own inflate reports it (see the module documentation)
  streams[format] = s;
  return s;
}

/**
 * Inflate `input` (a stream of `format`) into `out`: the number of bytes it decoded to, or null
 * when it did not end within `out` or could not be inflated here (inflate it the usual way).
 */
export function inflateInto(input: Uint8Array, out: Uint8Array, format: InflateFormat = "zlib"): number | null {
  if (out.length === 0) return null;
  const s = ready(format);
  if (!s?._handle || !s._writeState) return null;
  const state = s._writeState;
  s._handle.writeSync(constants.Z_FINISH, input, 0, input.length, out, 0, out.length);
  if (s.destroyed) {
    streams[format] = null; // an error ends a stream for good
    return null;
  }
  const written = out.length - (state[0] as number);
  if (written === out.length) {
    // Full: the stream ended there only if one more byte of room takes nothing.
    const left = state[1] as number;
    s._handle.writeSync(constants.Z_FINISH, input, input.length - left, left, spare, 0, 1);
    if (s.destroyed) streams[format] = null;
    if (s.destroyed || state[0] === 0) return null;
  }
  return written;
}

/**
 * `input` (a stream of `format` that decodes to exactly `out.length` bytes) inflated into `out`;
 * else node:zlib's own inflate into one buffer of that size, which decodes or reports it as before.
 */
export function inflateExactly(input: Uint8Array, out: Uint8Array, format: InflateFormat = "zlib"): Uint8Array {
  if (inflateInto(input, out, format) === out.length) return out;
  const o = intoOneBuffer(out.length);
  return format === "gzip" ? gunzipSync(input, o) : inflateSync(input, o);
}
