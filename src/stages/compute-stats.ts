/**
 * `computeStats()`: a streaming pass over tiles that ends with per-band statistics (count,
 * mean, std, min, max of the valid core pixels; see {@link BandStatsAccumulator}), and the bands'
 * names where the tiles carry them. Tiles are
 * released as they are counted, so memory stays at a few tiles. `saveStats`/`loadStats` keep
 * the result as JSON beside a model.
 *
 * @example
 * ```ts
 * import { lastValueFrom } from "rxjs";
 * import { computeStats, openGeoTiff, planTiles, readTiles, saveStats } from "tilecast";
 * const src = await openGeoTiff("fixtures/demo/scene.s2like.u16.4b.tif");
 * const plan = planTiles({ width: src.meta.width, height: src.meta.height, tileSize: 256 });
 * const stats = await lastValueFrom(readTiles(src, plan).pipe(computeStats()));
 * await saveStats("/tmp/scene.stats.json", stats);
 * ```
 */
import { writeFile } from "node:fs/promises";
import { defer, map, type OperatorFunction, reduce } from "rxjs";
import { z } from "zod";
import { TilecastError } from "../errors.js";
import { BandStatsAccumulator, type Stats, type ValueTransform } from "../grid/band-stats.js";
import { discard, ensureParent, publish, tempPathFor } from "../io/atomic.js";
import { readInput } from "../io/input-file.js";
import type { Tile } from "./tile.js";

/** Options for {@link computeStats}. */
export interface ComputeStatsOptions {
  /** Per-band value transform applied before accumulating (default none). */
  transforms?: readonly ValueTransform[];
}

/**
 * `computeStats()`: a streaming pass over tiles that ends with per-band statistics (count, mean, std, min, max of the valid core pixels.
 * Details and a complete example: the module documentation above.
 */
export function computeStats(options: ComputeStatsOptions = {}): OperatorFunction<Tile, Stats> {
  return (tiles) =>
    defer(() => {
      let acc: BandStatsAccumulator | null = null;
      let names: (string | null)[] | undefined;
      return tiles.pipe(
        reduce(
          (_, t) => {
            try {
              names ??= t.grid.attrs.bandNames?.some((n) => n) ? t.grid.attrs.bandNames.map((n) => n ?? null) : [];
              acc ??= new BandStatsAccumulator(t.grid.shape[0] as number, options.transforms);
              acc.add(t.grid, t.window, t.spec.core);
            } finally {
              t.release();
            }
            return acc;
          },
          null as BandStatsAccumulator | null,
        ),
        map((a) => {
          if (!a) throw new TilecastError("E_ARGUMENT", "computeStats got no tiles");
          return { ...a.result(), ...(names?.length ? { names } : {}) };
        }),
      );
    });
}

const statsSchema = z.object({
  bands: z.array(z.object({ count: z.number(), mean: z.number(), std: z.number(), min: z.number(), max: z.number() })),
  transforms: z.array(z.enum(["none", "log1p"])),
  names: z.array(z.string().nullable()).optional(),
});

/** Write statistics as JSON, atomically. */
export async function saveStats(path: string, stats: Stats): Promise<void> {
  await ensureParent(path);
  const temp = tempPathFor(path);
  try {
    await writeFile(temp, `${JSON.stringify(stats, null, 2)}\n`);
    await publish(temp, path);
  } catch (e) {
    await discard(temp);
    throw e;
  }
}

/** Read statistics written by {@link saveStats}; a malformed file is an E_FORMAT error naming it. */
export async function loadStats(path: string): Promise<Stats> {
  let text: string;
  try {
    text = await readInput(path, "utf8");
  } catch (e) {
    if (e instanceof TilecastError) throw e;
    throw new TilecastError("E_NOT_FOUND", "cannot read statistics file", { path, cause: e });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TilecastError("E_FORMAT", "statistics file is not JSON", { path });
  }
  const parsed = statsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TilecastError("E_FORMAT", `not a statistics file: ${issue?.path.join(".")}: ${issue?.message}`, { path });
  }
  return parsed.data;
}
