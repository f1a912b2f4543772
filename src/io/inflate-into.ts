/**
 * A zlib stream inflated straight into memory the caller chose: a GeoTIFF block into its place
 * in its job's buffer, a Zarr chunk into the buffer the calling thread allocated for it
 * ({@link withDecodeTarget}). node:zlib's `inflateSync` allocates its own output, one buffer per
 * block, which a worker then copied into that memory; and when the output fills that buffer
 * exactly, as a Zarr chunk does, it allocates one more of the same size before it sees the end.
 *
 * One node:zlib `Inflate` per thread is driven through its handle's `writeSync`, the call
 * `inflateSync` itself makes, and reset between streams. That handle is not node:zlib's public
 * API: where it is missing, and for any stream that does not end within the memory given
 * (corrupt, truncated, longer), the answer is null and the caller inflates the usual way, which
 * reports the error as it always has.
 */
import { constants, Inflate } from "node:zlib";

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
}

type Stream = Inflate & Internals;

let stream: Stream | null = null;
let usable = true;
const spare = new Uint8Array(1);

/** This thread's stream, reset; or null when this Node's node:zlib does not have the handle. */
function ready(): Stream | null {
  if (stream) {
    stream.reset();
    return stream;
  }
  if (!usable) return null;
  const s = new Inflate() as Stream;
  if (typeof s._handle?.writeSync !== "function" || !(s._writeState instanceof Uint32Array)) {
    usable = false;
    return null;
  }
  s.on("error", () => {}); // the caller's own inflate reports it (see the module documentation)
  stream = s;
  return s;
}

/**
 * Inflate the zlib stream `input` into `out`: the number of bytes it decoded to, or null when it
 * did not end within `out` or could not be inflated here (inflate it the usual way).
 */
export function inflateInto(input: Uint8Array, out: Uint8Array): number | null {
  if (out.length === 0) return null;
  const s = ready();
  if (!s?._handle || !s._writeState) return null;
  const state = s._writeState;
  s._handle.writeSync(constants.Z_FINISH, input, 0, input.length, out, 0, out.length);
  if (s.destroyed) {
    stream = null; // an error ends a stream for good
    return null;
  }
  const written = out.length - (state[0] as number);
  if (written === out.length) {
    // Full: the stream ended there only if one more byte of room takes nothing.
    const left = state[1] as number;
    s._handle.writeSync(constants.Z_FINISH, input, input.length - left, left, spare, 0, 1);
    if (s.destroyed) stream = null;
    if (s.destroyed || state[0] === 0) return null;
  }
  return written;
}
