/**
 * `stitch(plan)`: predictions (or plain tiles) in, finished output regions out. Overlapping
 * predictions are blended with smooth weights (Hann by default; also linear, uniform, or
 * `crop` to keep only each tile's core) and each region is emitted the moment every tile
 * touching it has arrived, so memory is bounded by a band of tiles, not by the scene (see
 * {@link Stitcher}). Tensors are disposed and tiles released here.
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
import { tensorValues } from "../nn/tensor-array.js";
import type { TilePlan } from "../tiling/plan.js";
import { type Region, Stitcher, type StitcherOptions } from "../tiling/stitcher.js";
import type { Prediction } from "./predict.js";
import type { Tile } from "./tile.js";

/** Options for {@link stitch}. */
export type StitchOptions = StitcherOptions;

function isPrediction(v: Tile | Prediction): v is Prediction {
  return "tiles" in v;
}

async function addPrediction(st: Stitcher, p: Prediction): Promise<Region[]> {
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
  } finally {
    p.y?.dispose();
    p.x?.dispose();
    for (const t of p.tiles) t.release();
  }
  return done;
}

function addTile(st: Stitcher, t: Tile): Region[] {
  try {
    if (t.empty) return st.addEmpty(t.spec);
    const [c] = t.grid.shape as [number];
    const values = t.grid.data instanceof Float32Array ? t.grid.data : Float32Array.from(t.grid.data);
    return st.add(t.spec, t.window, values, c, pixelValidity(t.grid));
  } finally {
    t.release();
  }
}

/**
 * `stitch(plan)`: predictions (or plain tiles) in, finished output regions out.
 * Details and a complete example: the module documentation above.
 */
export function stitch(plan: TilePlan, options: StitchOptions = {}): OperatorFunction<Tile | Prediction, Region> {
  return (input) =>
    defer(() => {
      const st = new Stitcher(plan, options);
      const body: Observable<Region> = input.pipe(
        concatMap(async (v) => (isPrediction(v) ? addPrediction(st, v) : addTile(st, v))),
        concatMap((regions) => from(regions)),
      );
      return concat(
        body,
        defer(() => from(st.finish())),
      );
    });
}
