/**
 * A GeoTIFF over http(s), read with range requests the way GDAL's /vsicurl/ reads a COG: the
 * first request takes the file's head (64 KiB), which in a Cloud-Optimized GeoTIFF holds the
 * header, GDAL's layout notes and every directory; reads that fall near the head grow it (one
 * more request for a long directory), and tiles are then fetched exactly. A remote COG opens in
 * one or two requests before its first tile, where geotiff.js alone makes one per directory. The
 * file's size comes from the first response (its `Content-Range`), so a remote file is checked
 * against its size as a local one is (`remote-tiff.ts`).
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { HttpSource } from "./http-source.js";
 * const src = new HttpSource("https://example.com/scene.tif");
 * const head = await src.read(0, 16); // the header, from the first 64 KiB
 * const size = await src.size(); // what the server said the file holds
 * ```
 */
import { TilecastError } from "../../errors.js";
import { limitedFetch } from "../http-fetch.js";

/** The head fetched first. */
const HEAD = 64 * 1024;
/** The head grows no larger than this; reads past it are fetched exactly. */
const MAX_HEAD = 4 * 1024 * 1024;

interface Slice {
  offset: number;
  length: number;
}

/** A file over http(s) range requests; see the module documentation. */
export class HttpSource {
  readonly url: string;
  #head: Promise<Uint8Array> | null = null;
  /** The file's size, once a response has said it. */
  #size: number | null = null;

  constructor(url: string) {
    this.url = url;
  }

  /**
   * Up to `n` bytes at `at` (fewer where the file ends first): from the head when it covers them,
   * else one range request.
   */
  async read(at: number, n: number, signal?: AbortSignal): Promise<DataView> {
    return new DataView(await this.#slice({ offset: at, length: n }, signal));
  }

  /**
   * The file's size in bytes, as the first response gave it (`Content-Range`'s total, or the
   * whole body's length). A server that will not say gives no bound: the largest safe integer.
   */
  async size(signal?: AbortSignal): Promise<number> {
    this.#head ??= this.#range(0, HEAD, signal);
    const head = await this.#head;
    return this.#size ?? (head.length < HEAD ? head.length : Number.MAX_SAFE_INTEGER);
  }

  async #slice({ offset, length }: Slice, signal?: AbortSignal): Promise<ArrayBuffer> {
    const end = offset + length;
    this.#head ??= this.#range(0, HEAD, signal);
    let head = await this.#head;
    const complete = head.length < HEAD; // the whole file was shorter than the head
    if (end > head.length && !complete && offset < head.length + HEAD && end <= MAX_HEAD) {
      // Near the head (a directory or tag array running past it): grow the head once, generously.
      const grown = this.#range(head.length, Math.min(MAX_HEAD, Math.max(end, 2 * head.length)) - head.length, signal);
      const prev = head;
      this.#head = grown.then((more) => concat(prev, more));
      head = await this.#head;
    }
    if (end <= head.length || (complete && offset < head.length)) return copy(head, offset, Math.min(end, head.length));
    return copy(await this.#range(offset, length, signal), 0, length);
  }

  /** One range request; a server that ignores ranges is an error unless the file is small. */
  async #range(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    const res = await limitedFetch(this.url, {
      headers: { Range: `bytes=${offset}-${offset + length - 1}` },
      ...(signal ? { signal } : {}),
    });
    this.#size ??= totalOf(res.headers.get("content-range"));
    if (res.status === 416) return new Uint8Array(0); // past the end of the file
    if (res.status !== 206 && res.status !== 200) {
      throw new TilecastError("E_NOT_FOUND", `server answered HTTP ${res.status}`, { path: this.url });
    }
    if (res.status === 200) {
      const size = Number(res.headers.get("content-length") ?? Number.NaN);
      if (!(size <= MAX_HEAD)) {
        await res.body?.cancel();
        throw new TilecastError("E_UNSUPPORTED", "server ignores range requests (answered 200 with the whole file)", {
          path: this.url,
        });
      }
      const whole = new Uint8Array(await res.arrayBuffer());
      this.#size = whole.length;
      return whole.subarray(offset, offset + length);
    }
    return new Uint8Array(await res.arrayBuffer());
  }

  async close(): Promise<void> {
    this.#head = null;
  }
}

/** The total of a `Content-Range` header (`bytes 0-65535/1234567`; a 416 gives `bytes *` then the total), or null. */
function totalOf(range: string | null): number | null {
  const m = /\/(\d+)\s*$/.exec(range ?? "");
  return m ? Number(m[1]) : null;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function copy(b: Uint8Array, start: number, end: number): ArrayBuffer {
  return b.slice(start, Math.max(start, end)).buffer as ArrayBuffer;
}
