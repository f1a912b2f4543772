/**
 * The pipeline runner: open the input, plan tiles, compute or load normalization statistics,
 * build the model, then stream read -> normalize -> batch -> predict -> stitch -> write into an
 * atomically committed output, with progress and a summary (tiles read, skipped, written,
 * time, peak memory, backend).
 *
 * @example
 * ```ts
 * import { loadPipeline, runPipeline } from "tilecast";
 * const summary = await runPipeline(await loadPipeline("pipelines/scene-identity.yaml", ["output.path=/tmp/id.tif"]));
 * console.log(summary.tilesWritten, summary.peakRssMB);
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import { lastValueFrom, type Observable, tap } from "rxjs";
import type { Stats } from "../grid/band-stats.js";
import { createSink, openSource } from "../io/registry.js";
import type { GridSource } from "../io/types.js";
import { quietCpuBanner } from "../nn/backend.js";
import { batch } from "../stages/batch.js";
import { computeStats, loadStats, saveStats } from "../stages/compute-stats.js";
import { normalize } from "../stages/normalize.js";
import { predict } from "../stages/predict.js";
import { readTiles } from "../stages/read-tiles.js";
import { stitch } from "../stages/stitch.js";
import type { Tile } from "../stages/tile.js";
import { write } from "../stages/write.js";
import { planTiles, type TilePlan } from "../tiling/plan.js";
import type { Pipeline } from "./config.js";
import { createModel } from "./models.js";
import "../models/pipeline-models.js";
import { writeOutputQuicklook } from "./output-quicklook.js";

/** What a run did. */
export interface RunSummary {
  pipeline: string;
  output: string;
  width: number;
  height: number;
  tilesTotal: number;
  /** Tile reads, including revisits. */
  tilesRead: number;
  /** Edge tiles of a stripe read and predicted a second time to finish a blended seam. */
  tilesRevisited: number;
  /** Tiles whose core was all nodata: no model ran on them. */
  tilesSkipped: number;
  /** Tiles predicted and stitched. */
  tilesWritten: number;
  blocksWritten: number;
  seconds: number;
  /** Peak resident memory of the process so far, MB. */
  peakRssMB: number;
  backend: string;
  statsFile: string | null;
  quicklook: string | null;
}

/** Hooks for progress and logs. */
export interface RunHooks {
  /** Called as tiles finish (`done` of `total`). */
  onProgress?(done: number, total: number): void;
  /** Structured events: `stats`, `model`, `done`. */
  log?(event: string, fields: Record<string, unknown>): void;
}

/** Open the pipeline's input. */
export function openInput(p: Pipeline, signal?: AbortSignal): Promise<GridSource> {
  return openSource(p.input.path, {
    ...(p.input.var ? { variable: p.input.var } : {}),
    ...(p.input.index ? { index: p.input.index } : {}),
    ...(signal ? { signal } : {}),
  });
}

/** The pipeline's tile plan for a source (`stitching`: with stripe guests for blended seams). */
export function planFor(p: Pipeline, src: GridSource, stitching = false): TilePlan {
  return planTiles({
    width: src.meta.width,
    height: src.meta.height,
    tileSize: p.tiling.size,
    overlap: p.tiling.overlap,
    edge: p.tiling.edge,
    padding: p.tiling.padding,
    periodicX: p.tiling.periodic === "auto" ? src.meta.periodicX : p.tiling.periodic,
    stripeGuests: stitching && p.stitch.weights !== "crop",
  });
}

/** Statistics for `normalize`: loaded from a file, or computed in a streaming pass over the input. */
export async function statsFor(p: Pipeline, src: GridSource, plan: TilePlan): Promise<Stats | null> {
  const n = p.normalize;
  if (!n) return null;
  const stats =
    n.stats === "compute"
      ? await lastValueFrom(
          readTiles(src, plan, {
            concurrency: p.tiling.concurrency,
            ...(p.input.bands ? { bands: p.input.bands } : {}),
          }).pipe(computeStats({ ...(n.transforms ? { transforms: n.transforms } : {}) })),
        )
      : await loadStats(n.stats);
  if (n.transforms && n.stats !== "compute") stats.transforms = [...n.transforms];
  if (n.saveStats) await saveStats(n.saveStats, stats);
  return stats;
}

/** See the module documentation. */
export async function runPipeline(p: Pipeline, hooks: RunHooks = {}): Promise<RunSummary> {
  const start = performance.now();
  await tf.ready();
  quietCpuBanner();
  const src = await openInput(p);
  try {
    const m = src.meta;
    const plan = planFor(p, src, true);
    const stats = await statsFor(p, src, planFor(p, src));
    if (stats) hooks.log?.("stats", { bands: stats.bands, file: p.normalize?.saveStats ?? p.normalize?.stats });
    const inputBands = p.input.bands?.length ?? m.bands;
    const model = await createModel(p.model, inputBands);
    hooks.log?.("model", { type: p.model.type, inputBands, outputBands: model.bands, backend: tf.getBackend() });
    const dtype = p.output.dtype;
    const nodata = p.output.nodata !== undefined ? p.output.nodata : dtype.startsWith("float") ? Number.NaN : null;
    let read = 0;
    let revisited = 0;
    let skipped = 0;
    let done = 0;
    let blocks = 0;
    let tiles: Observable<Tile> = readTiles(src, plan, {
      concurrency: Math.max(p.tiling.concurrency, 2 * p.batch),
      skipEmpty: p.tiling.skipEmpty,
      ...(p.input.bands ? { bands: p.input.bands } : {}),
    }).pipe(
      tap((t) => {
        read++;
        if (t.spec.guest) revisited++;
        else if (t.empty) skipped++;
      }),
    );
    if (stats) tiles = tiles.pipe(normalize(stats, { method: p.normalize?.method ?? "zscore" }));
    await lastValueFrom(
      tiles.pipe(
        batch(p.batch),
        predict(model.predictor),
        tap((b) => {
          done += b.tiles.filter((t) => !t.spec.guest).length;
          hooks.onProgress?.(done, plan.count);
        }),
        stitch(plan, { weights: p.stitch.weights, dtype, nodata, bands: model.bands }),
        write(
          (first) =>
            createSink(
              p.output.path,
              {
                width: m.width,
                height: m.height,
                bands: first.grid.shape[0] as number,
                dtype,
                georef: m.georef,
                nodata,
              },
              { tileSize: p.output.block, compress: p.output.compress },
            ),
          { concurrency: 4 },
        ),
        tap((w) => {
          blocks = w.blocksWritten;
        }),
      ),
      { defaultValue: null },
    );
    const quicklook = p.output.quicklook ? await writeOutputQuicklook(p.output.path, p.output.quicklook) : null;
    const summary: RunSummary = {
      pipeline: p.file,
      output: p.output.path,
      width: m.width,
      height: m.height,
      tilesTotal: plan.count,
      tilesRead: read,
      tilesRevisited: revisited,
      tilesSkipped: skipped,
      tilesWritten: done - skipped,
      blocksWritten: blocks,
      seconds: Math.round((performance.now() - start) / 10) / 100,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      backend: tf.getBackend(),
      statsFile: p.normalize?.saveStats ?? (p.normalize && p.normalize.stats !== "compute" ? p.normalize.stats : null),
      quicklook,
    };
    hooks.log?.("done", { ...summary });
    return summary;
  } finally {
    await src.close();
  }
}
