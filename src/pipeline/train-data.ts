/**
 * The batch streams a `train:` section asks for, over the stages the pipeline names:
 *
 * - **labelled tiles** (`input.labels`): tiles split by space ({@link splitTiles}), read in a
 *   seeded order per epoch, augmented, shuffled in a bounded buffer, batched as `[B, h, w, c]`
 *   images with `[B, h, w, 1]` labels;
 * - **sequences** (`train.sequence`): every tile's time steps (its bands) cut into windows of
 *   `input` frames and `output` targets, split by time ({@link timeSplit}), shuffled, batched as
 *   `[B, T, h, w, 1]` and `[B, K, h, w, 1]`.
 *
 * Reads finish in any order; tiles are put back in the epoch's order before anything random
 * happens, so an epoch's batches depend on the seed only.
 */
import { bufferCount, concatMap, from, map, type Observable, type OperatorFunction } from "rxjs";
import { Rng } from "../augment/rng.js";
import type { GridSource } from "../io/types.js";
import { augment } from "../stages/augment.js";
import { inOrder } from "../stages/in-order.js";
import { loadTiles, type ReadTilesOptions } from "../stages/read-tiles.js";
import type { Tile } from "../stages/tile.js";
import type { TilePlan, TileSpec } from "../tiling/plan.js";
import { nowcastScorer, type Scorer, segmentationScorer } from "../train/scorers.js";
import { sequenceBatch, tileWindows } from "../train/sequences.js";
import { shuffleBuffer, shuffled } from "../train/shuffle.js";
import { splitTiles } from "../train/split.js";
import { trainBatches } from "../train/tile-batches.js";
import { type BatchSource, disposeBatch, type TrainBatch } from "../train/trainer.js";
import { iterate } from "../util/iterate.js";
import type { Pipeline } from "./config.js";
import type { TrainSection } from "./train-config.js";
import { windowStarts } from "./train-windows.js";

/** What training reads: the batch sources, their sizes, and how validation is scored. */
export interface TrainingData {
  train: BatchSource;
  validation: BatchSource;
  stepsPerEpoch: number;
  scorer: (() => Scorer) | null;
  /** For the summary: tiles (or time windows, for sequences) on each side, and those left out. */
  counts: { unit: "tiles" | "windows" | "pairs"; train: number; validation: number; dropped: number };
}

/** What the builders share. */
export interface DataContext {
  p: Pipeline;
  t: TrainSection;
  src: GridSource;
  labels: GridSource | null;
  plan: TilePlan;
  /** normalize, then the file's tile stages. */
  stages: OperatorFunction<Tile, Tile>[];
}

/** Load `tiles` in the given order and run the stages over them. */
function staged(c: DataContext, tiles: readonly TileSpec[], read: ReadTilesOptions): Observable<Tile> {
  const position = new Map(tiles.map((t, i) => [t.id, i]));
  let s: Observable<Tile> = from(tiles).pipe(
    loadTiles(c.src, read),
    inOrder(
      (t) => position.get(t.spec.id) as number,
      (t) => t.release(),
    ),
  );
  for (const op of c.stages) s = s.pipe(op);
  return s;
}

function readOptions(c: DataContext, concurrency: number): ReadTilesOptions {
  return {
    ...(c.labels ? { labels: c.labels } : {}),
    concurrency,
    skipEmpty: true,
    rules: { padding: c.plan.padding, periodicX: c.plan.periodicX },
    ...(c.p.input.bands ? { bands: c.p.input.bands } : {}),
  };
}

/** Labelled tiles (segmentation). */
export function tileData(c: DataContext): TrainingData {
  const { p, t } = c;
  const split = splitTiles(c.plan, t.split);
  const read = readOptions(c, t.shuffle + 2 * t.batch + 2);
  const stream = (tiles: TileSpec[], epoch: number | null): AsyncIterable<TrainBatch> => {
    let s = staged(c, tiles, read);
    if (epoch !== null && p.augment) s = s.pipe(augment({ ...p.augment, seed: t.seed + (p.augment.seed ?? 0), epoch }));
    if (epoch !== null && t.shuffle > 0)
      s = s.pipe(shuffleBuffer(t.shuffle, new Rng(t.seed, 2 * epoch + 1), (x) => x.release()));
    return iterate(s.pipe(trainBatches(t.batch)), disposeBatch);
  };
  const perEpoch = Math.min(t.tilesPerEpoch ?? split.train.length, split.train.length);
  return {
    train: (epoch) => stream(shuffled(split.train, new Rng(t.seed, 2 * epoch)).slice(0, perEpoch), epoch),
    validation: () => stream(split.validation, null),
    stepsPerEpoch: Math.ceil(perEpoch / t.batch),
    scorer: t.classes || p.model.type === "unet" ? () => segmentationScorer() : null,
    counts: { unit: "tiles", train: split.train.length, validation: split.validation.length, dropped: split.dropped },
  };
}

/** Time windows of every tile (nowcasting). */
export function sequenceData(c: DataContext): TrainingData {
  const { p, t } = c;
  const seq = t.sequence as NonNullable<TrainSection["sequence"]>;
  const starts = windowStarts(p, c.src, seq);
  const tiles = [...c.plan.tiles()];
  const read = readOptions(c, 4);
  const stream = (order: TileSpec[], picks: number[], epoch: number | null): AsyncIterable<TrainBatch> => {
    let windows = staged(c, order, read).pipe(
      concatMap((tile) => {
        // Each epoch draws its own windows from every tile (all of them for validation).
        const drawn =
          epoch === null
            ? picks
            : shuffled(picks, new Rng(t.seed, tile.spec.id * 7919 + epoch)).slice(0, seq.windowsPerTile);
        const w = tile.empty ? [] : tileWindows(tile, drawn, seq.input, seq.output);
        tile.release();
        return from(w);
      }),
    );
    if (epoch !== null && t.shuffle > 0)
      windows = windows.pipe(shuffleBuffer(t.shuffle, new Rng(t.seed, 2 * epoch + 1)));
    return iterate(windows.pipe(bufferCount(t.batch), map(sequenceBatch)), disposeBatch);
  };
  const transform = p.normalize?.transforms?.includes("log1p") ? "log1p" : "none";
  const perEpoch = tiles.length * Math.min(seq.windowsPerTile ?? starts.train.length, starts.train.length);
  return {
    train: (epoch) => stream(shuffled(tiles, new Rng(t.seed, 2 * epoch)), starts.train, epoch),
    validation: () => stream(tiles, starts.validation, null),
    stepsPerEpoch: Math.ceil(perEpoch / t.batch),
    scorer: () => nowcastScorer({ thresholds: t.thresholds ?? [1], transform }),
    counts: {
      unit: "windows",
      train: starts.train.length,
      validation: starts.validation.length,
      dropped: starts.straddling,
    },
  };
}
