/**
 * What a run needs before its stream starts: the opened input, the tile plan and the
 * normalization statistics (loaded, or computed in a streaming pass). Shared by `run`, `preview`
 * and the stages that need a pass of their own.
 */
import { lastValueFrom } from "rxjs";
import type { z } from "zod";
import { TilecastError } from "../errors.js";
import { pooledStats, type Stats } from "../grid/band-stats.js";
import { openSource } from "../io/registry.js";
import { resampleSource } from "../io/resample.js";
import type { GridSource } from "../io/types.js";
import { unpackSource } from "../io/unpack.js";
import { computeStats, loadStats, saveStats } from "../stages/compute-stats.js";
import type { normalizeStageOptions } from "../stages/normalize.js";
import { readTiles } from "../stages/read-tiles.js";
import { checkTileBudget, planTiles, type TilePlan } from "../tiling/plan.js";
import type { Pipeline } from "./config.js";
import { checkStatsBands } from "./stats-bands.js";

/**
 * Open the pipeline's input (its variable and fixed indices for stores), packed bands unpacked
 * (`io/unpack.ts`): models see `stored * scale + offset`, whichever format holds the values.
 *
 * @example
 * ```ts
 * import { loadPipeline, openInput } from "tilecast/pipeline";
 * const src = await openInput(await loadPipeline("pipelines/scene-identity.yaml"));
 * console.log(src.meta.bands); // 4
 * await src.close();
 * ```
 */
export async function openInput(p: Pipeline, signal?: AbortSignal): Promise<GridSource> {
  const src = await openSource(p.input.path, {
    ...(p.input.var ? { variable: p.input.var } : {}),
    ...(p.input.index ? { index: p.input.index } : {}),
    ...(signal ? { signal } : {}),
  });
  const values = unpackSource(src);
  return p.input.resample ? resampleSource(values, p.input.resample) : values;
}

/**
 * The one variable a time-series model reads (`input.var`), or undefined where the file names
 * none; several are an error naming `what` reads one (tile models read several as bands).
 */
export function singleVariable(p: Pipeline, what: string): string | undefined {
  const v = p.input.var;
  if (typeof v === "string" || v === undefined) return v;
  if (v.length === 1) return v[0];
  throw new TilecastError(
    "E_ARGUMENT",
    `input.var: ${what} reads one variable (its bands are time steps), not ${v.length}; tile models read several as bands`,
    { path: p.file },
  );
}

/** The pipeline's label raster, on the input's (resampled) grid: classes resample by mode. */
export async function openLabels(p: Pipeline): Promise<GridSource | null> {
  if (!p.input.labels) return null;
  const src = await openSource(p.input.labels);
  return p.input.resample ? resampleSource(src, { ...p.input.resample, method: "mode" }) : src;
}

/**
 * The pipeline's tile plan for a source (`stitching`: with stripe guests for blended seams).
 *
 * @example
 * ```ts
 * import { loadPipeline, openInput, planFor } from "tilecast/pipeline";
 * const p = await loadPipeline("pipelines/scene-identity.yaml");
 * const src = await openInput(p);
 * console.log(planFor(p, src).count);
 * await src.close();
 * ```
 */
export function planFor(p: Pipeline, src: GridSource, stitching = false, align?: readonly [number, number]): TilePlan {
  return asTiling(p, () => plan(p, src, stitching, align));
}

/**
 * Refuse the pipeline's tiles before anything is opened or loaded when one would not fit the
 * memory budget (the check {@link planFor} also makes).
 */
export function checkTiling(p: Pipeline): void {
  asTiling(p, () => checkTileBudget(p.tiling.size, p.tiling.overlap));
}

/** `f`'s result; its errors as the pipeline file's `tiling:` errors. */
function asTiling<T>(p: Pipeline, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TilecastError && e.path === undefined)
      throw new TilecastError(e.code, `tiling: ${e.problem}`, { path: p.file, cause: e });
    throw e;
  }
}

/** `v` rounded down to a multiple of `unit` (at least `unit`). */
const alignDown = (v: number, unit: number) => Math.max(unit, Math.floor(v / unit) * unit);
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The plan; with `align` (the output's block width and height), parts are whole numbers of tiles
 * and of output blocks, so every output block lies in one part.
 */
function plan(p: Pipeline, src: GridSource, stitching: boolean, align?: readonly [number, number]): TilePlan {
  const N = p.tiling.size;
  const unit = (b: number | undefined) => (b === undefined ? N : (N * b) / gcd(N, b));
  return planTiles({
    width: src.meta.width,
    height: src.meta.height,
    tileSize: p.tiling.size,
    overlap: p.tiling.overlap,
    edge: p.tiling.edge,
    padding: p.tiling.padding,
    periodicX: p.tiling.periodic === "auto" ? src.meta.periodicX : p.tiling.periodic,
    stripeWidth: alignDown(p.tiling.parts.width, unit(align?.[0])),
    partHeight: alignDown(p.tiling.parts.height, unit(align?.[1])),
    stripeGuests: stitching && p.stitch.weights !== "crop",
  });
}

/**
 * Statistics for `normalize`: loaded from a file, or computed in a streaming pass over the input.
 *
 * @example
 * ```ts
 * import { loadPipeline, normalizeStats, openInput, planFor } from "tilecast/pipeline";
 * const p = await loadPipeline("pipelines/scene-identity.yaml");
 * const src = await openInput(p);
 * const stats = await normalizeStats({ method: "zscore", stats: "compute" }, p, src, planFor(p, src));
 * console.log(stats.bands.length); // 4
 * await src.close();
 * ```
 */
export async function normalizeStats(
  n: z.infer<typeof normalizeStageOptions>,
  p: Pipeline,
  src: GridSource,
  plan: TilePlan,
): Promise<Stats> {
  if (n.method === "none") {
    // A transform alone (log1p for rain) needs no statistics: none are computed or invented.
    const bands = p.input.bands?.length ?? src.meta.bands;
    const t = n.transforms ?? [];
    return { bands: [], transforms: Array.from({ length: bands }, (_, b) => t[b] ?? t[0] ?? "none") };
  }
  // One variable over every band: a single transform applies to all of them.
  const bands = p.input.bands?.length ?? src.meta.bands;
  const transforms =
    n.per === "variable" && n.transforms?.length === 1
      ? Array.from({ length: bands }, () => n.transforms?.[0] ?? "none")
      : n.transforms;
  let stats =
    n.stats === "compute"
      ? await lastValueFrom(
          readTiles(src, plan, {
            concurrency: p.tiling.concurrency,
            ...(p.input.bands ? { bands: p.input.bands } : {}),
          }).pipe(computeStats({ ...(transforms ? { transforms } : {}) })),
        )
      : await loadStats(n.stats);
  if (n.stats !== "compute") checkStatsBands(stats, n.stats, n.per, src, p.input.bands);
  if (transforms && n.stats !== "compute") stats.transforms = [...transforms];
  if (n.per === "variable" && n.stats === "compute") stats = pooledStats(stats);
  if (n.saveStats) await saveStats(n.saveStats, stats);
  return stats;
}

/**
 * The statistics the pipeline's `normalize` key asks for, or null without one.
 *
 * @example
 * ```ts
 * import { loadPipeline, openInput, planFor, statsFor } from "tilecast/pipeline";
 * const p = await loadPipeline("pipelines/scene-ndvi.yaml");
 * const src = await openInput(p);
 * console.log(await statsFor(p, src, planFor(p, src)));
 * await src.close();
 * ```
 */
export async function statsFor(p: Pipeline, src: GridSource, plan: TilePlan): Promise<Stats | null> {
  return p.normalize ? normalizeStats(p.normalize, p, src, plan) : null;
}
