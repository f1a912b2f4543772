/**
 * `stitch(plan)`: predictions (or plain tiles) in, finished output regions out. Overlapping
 * predictions are blended with smooth weights (Hann by default; also linear, uniform, or
 * `crop` to keep only each tile's core) and each region is emitted the moment every tile
 * touching it has arrived, so memory is bounded by a band of tiles, not by the scene (see
 * {@link Stitcher}). Tensors are disposed and tiles released here; with `pendingRegions`, once
 * that many regions wait for the output, only when the regions they finished are written, so
 * the output's pace bounds reading too.
 *
 * Pixels whose input was nodata in any band, and empty tiles, come out as nodata.
 *
 * @example
 * ```ts
 * import { lastValueFrom } from "rxjs";
 * import { batch, createGeoTiffSink, openGeoTiff, planTiles, predict, readTiles, stitch, write } from "tilecast";
 * const src = await openGeoTiff("fixtures/demo/scene.s2like.u16.4b.tif");
 * const plan = planTiles({ width: 512, height: 512, tileSize: 128, overlap: 16 });
 * const sink = await createGeoTiffSink("/tmp/identity.tif", { ...src.meta, dtype: "uint16" });
 * await lastValueFrom(
 *   readTiles(src, plan, { concurrency: 8 }).pipe(batch(4), predict((x) => x.clone()), stitch(plan, { dtype: "uint16", nodata: 0 }), write(sink)),
 * );
 * ```
 */
import { concat, concatMap, defer, from, type Observable, type OperatorFunction } from "rxjs";
import { pixelValidity } from "../grid/grid.js";
import { recycleTensor, tensorValues } from "../nn/tensor-array.js";
import type { TilePlan } from "../tiling/plan.js";
import { type Region, Stitcher, type StitcherOptions } from "../tiling/stitcher.js";
import type { Prediction } from "./predict.js";
import type { Tile } from "./tile.js";
import type { WritableRegion } from "./write.js";

/** Options for {@link stitch}. */
export interface StitchOptions extends StitcherOptions {
  /**
   * Finished regions that may wait for the output (not yet released) before tiles keep their
   * read slots. Past it, each tile's slot is kept until the regions its arrival finished are
   * released (`write` releases a region once its pixels are copied and its finished blocks
   * written), so a slow output holds reading back instead of queueing regions in memory. Every
   * region must then be released, or reading stalls. Default: no bound (tiles are released as
   * they are stitched).
   */
  pendingRegions?: number;
}

function isPrediction(v: Tile | Prediction): v is Prediction {
  return "tiles" in v;
}

/** Regions a step finished, and the release of the tiles that step consumed. */
interface Step {
  regions: Region[];
  release(): void;
}

async function addPrediction(st: Stitcher, p: Prediction): Promise<Step> {
  const release = () => {
    for (const t of p.tiles) t.release();
  };
  const done: Region[] = [];
  try {
    const data = p.y ? await tensorValues(p.y) : null;
    const rows = new Map(p.index.map((tileIdx, row) => [tileIdx, row]));
    const [, h, w, c] = p.y?.shape ?? [0, 0, 0, 0];
    const n = h * w;
    p.tiles.forEach((t, i) => {
      const row = rows.get(i);
      if (row === undefined || !data) {
        done.push(...st.addEmpty(t.spec));
        return;
      }
      // Straight from the NHWC buffer: no per-tile copy.
      const values = { data, offset: row * n * c, bandStride: 1, pixelStride: c };
      done.push(...st.add(t.spec, t.window, values, c, t.valid));
    });
  } catch (e) {
    release();
    throw e;
  } finally {
    recycleTensor(p.y); // its values are in the regions now: the buffer may hold the next batch
    p.x?.dispose();
  }
  return { regions: done, release };
}

function addTile(st: Stitcher, t: Tile): Step {
  const release = () => t.release();
  try {
    if (t.empty) return { regions: st.addEmpty(t.spec), release };
    const [c] = t.grid.shape as [number];
    const values = t.grid.data instanceof Float32Array ? t.grid.data : Float32Array.from(t.grid.data);
    return { regions: st.add(t.spec, t.window, values, c, pixelValidity(t.grid)), release };
  } catch (e) {
    release();
    throw e;
  }
}

/**
 * Counts finished regions not yet released. A step's tiles are released at once while fewer
 * than `limit` regions wait; otherwise with the last of the step's regions.
 */
class RegionGate {
  #pending = 0;
  constructor(readonly limit: number) {}

  pass({ regions, release }: Step): WritableRegion[] {
    const hold = this.#pending >= this.limit && regions.length > 0;
    if (!hold) release();
    let left = regions.length;
    this.#pending += regions.length;
    return regions.map((r) => {
      let released = false;
      return {
        ...r,
        release: () => {
          if (released) return;
          released = true;
          this.#pending--;
          if (--left === 0 && hold) release();
        },
      };
    });
  }
}

/**
 * `stitch(plan)`: predictions (or plain tiles) in, finished output regions out.
 * Details and a complete example: the module documentation above.
 */
export function stitch(
  plan: TilePlan,
  options: StitchOptions = {},
): OperatorFunction<Tile | Prediction, WritableRegion> {
  const { pendingRegions, ...stitcher } = options;
  return (input) =>
    defer(() => {
      const st = new Stitcher(plan, stitcher);
      const gate = pendingRegions === undefined ? null : new RegionGate(pendingRegions);
      const body: Observable<WritableRegion> = input.pipe(
        concatMap(async (v) => (isPrediction(v) ? addPrediction(st, v) : addTile(st, v))),
        concatMap((step) => {
          if (gate) return from(gate.pass(step));
          step.release();
          return from(step.regions);
        }),
      );
      return concat(
        body,
        defer(() => from(st.finish())),
      );
    });
}
