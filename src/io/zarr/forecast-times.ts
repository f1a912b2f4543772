/**
 * The `time` coordinate of a forecast store (forecast-store.ts), in chunks of
 * {@link TIME_CHUNK} values. Stores written before it have one chunk per cycle, which made
 * every cycle read one file per earlier cycle: 31 s a cycle, where 2 s was the run itself, for
 * a store of 150 000 cycles (a year and a half of 5-minute nowcasts), and every
 * `xarray.open_zarr` of it as slow. Such stores keep their chunking; their chunks are read
 * many at once.
 *
 * A cycle's time goes into its chunk by rewriting that chunk whole (zlib, renamed into place).
 * Values past the published shape are invisible to readers, so a crash before the metadata
 * names the new slot leaves the store as it was.
 *
 * Internal (used by forecast-store.ts).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { TilecastError } from "../../errors.js";
import { mapLimit } from "../../util/map-limit.js";
import { atomicWrite } from "../atomic.js";

/** Cycles per chunk of a new store's `time` (8 KiB of float64 a chunk). */
export const TIME_CHUNK = 1024;

/** The `n` stored times (minutes since 1970) of the store at `path`, chunks of `chunk`. */
export async function readTimes(path: string, n: number, chunk: number): Promise<number[]> {
  const times = new Array<number>(n);
  const chunks = Array.from({ length: Math.ceil(n / chunk) }, (_, k) => k);
  await mapLimit(chunks, 32, async (k) => {
    const key = join("time", `${k}`);
    const bytes = await readFile(join(path, key)).catch((e: NodeJS.ErrnoException) => {
      throw new TilecastError(
        "E_FORMAT",
        `the time coordinate's chunk ${key} cannot be read (${e.code ?? e.message})`,
        {
          path,
          cause: e,
        },
      );
    });
    const raw = inflateSync(bytes);
    const values = new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + (raw.byteLength & ~7)));
    for (let i = 0; i < chunk && k * chunk + i < n; i++) times[k * chunk + i] = values[i] ?? Number.NaN;
  });
  return times;
}

/** Write the chunks `from` to `to` (inclusive) of `times` into the store at `dir`, whole. */
export async function writeTimeChunks(
  dir: string,
  times: readonly number[],
  chunk: number,
  from: number,
  to: number,
): Promise<void> {
  for (let k = from; k <= to; k++) {
    const values = new Float64Array(chunk).fill(Number.NaN);
    for (let i = 0; i < chunk && k * chunk + i < times.length; i++) values[i] = times[k * chunk + i] as number;
    await atomicWrite(join(dir, "time", `${k}`), deflateSync(new Uint8Array(values.buffer), { level: 5 }));
  }
}
