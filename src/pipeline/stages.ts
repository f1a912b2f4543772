/**
 * Tile stages by name, so a stage written in code can be used from a pipeline file. A stage is a
 * {@link StageDescriptor}: a name, its options as a zod schema (checked when the file is loaded,
 * errors with line numbers), and `create`, which returns the RxJS operator the runner puts between
 * reading and batching. Built in, registered by this module: `normalize` and `augment`.
 *
 * ```yaml
 * stages:
 *   - {type: clip, min: 0, max: 1}
 * ```
 *
 * @example
 * ```ts
 * import { map } from "rxjs";
 * import { z } from "zod";
 * import { registerStage, stageTypes } from "tilecast/pipeline";
 * registerStage({
 *   name: "clip",
 *   summary: "clamp pixel values",
 *   options: z.strictObject({ min: z.number(), max: z.number() }),
 *   create: (o) => map((t) => ({ ...t, grid: { ...t.grid, data: t.grid.data.map((v) => Math.min(o.max, Math.max(o.min, v))) } })),
 * });
 * console.log(stageTypes()); // ["augment", "clip", "normalize"]
 * ```
 */
import type { OperatorFunction } from "rxjs";
import type { z } from "zod";
import { TilecastError } from "../errors.js";
import type { GridSource } from "../io/types.js";
import type { Tile } from "../stages/tile.js";
import type { TilePlan } from "../tiling/plan.js";
import type { Pipeline } from "./config.js";
import { augmentStage } from "./stages/augment.js";
import { normalizeStage } from "./stages/normalize.js";

/** What a stage's `create` may use: the run's pipeline, input, plan, signal and log. */
export interface StageContext {
  readonly pipeline: Pipeline;
  readonly source: GridSource;
  /** The plan tiles are read with (for passes of its own, e.g. statistics). */
  readonly plan: TilePlan;
  readonly signal: AbortSignal;
  log(event: string, fields: Record<string, unknown>): void;
}

/** A named tile stage. */
export interface StageDescriptor<S extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>> {
  readonly name: string;
  readonly summary: string;
  /** Its options in a pipeline file, besides `type`. */
  readonly options: S;
  /** Option keys that are file paths, resolved against the pipeline file's directory. */
  readonly paths?: readonly string[];
  /**
   * Those of {@link paths} that the stage writes (the others it reads): checked like the
   * pipeline's outputs, against its inputs and the output root.
   */
  readonly writes?: readonly string[];
  /** The operator for one run (may do work first, e.g. compute statistics). */
  create(
    options: z.infer<S>,
    context: StageContext,
  ): OperatorFunction<Tile, Tile> | Promise<OperatorFunction<Tile, Tile>>;
}

const registry = new Map<string, StageDescriptor>();

/**
 * Register (or replace) a tile stage; see the module documentation for an example.
 *
 * @example
 * ```ts
 * import { identity } from "rxjs";
 * import { z } from "zod";
 * import { registerStage } from "tilecast/pipeline";
 * registerStage({ name: "pass", summary: "tiles unchanged", options: z.strictObject({}), create: () => identity });
 * ```
 */
export function registerStage<S extends z.ZodType<Record<string, unknown>>>(d: StageDescriptor<S>): void {
  registry.set(d.name, d as unknown as StageDescriptor);
}

registerStage(normalizeStage);
registerStage(augmentStage);

/**
 * Registered stage names, sorted.
 *
 * @example
 * ```ts
 * import { stageTypes } from "tilecast/pipeline";
 * console.log(stageTypes().includes("normalize")); // true
 * ```
 */
export function stageTypes(): string[] {
  return [...registry.keys()].sort();
}

/**
 * The descriptor of a stage; an unknown name is an error listing the known ones.
 *
 * @example
 * ```ts
 * import { stageDescriptor } from "tilecast/pipeline";
 * console.log(stageDescriptor("augment").summary);
 * ```
 */
export function stageDescriptor(name: string): StageDescriptor {
  const d = registry.get(name);
  if (!d) throw new TilecastError("E_ARGUMENT", `unknown stage '${name}' (known: ${stageTypes().join(", ")})`);
  return d;
}

/**
 * Build tile stages from `{type, ...options}` specs, in order, each named for errors and stall
 * reports.
 *
 * @example
 * ```ts
 * import { createTileStages, loadPipeline, openInput, planFor } from "tilecast/pipeline";
 * const p = await loadPipeline("pipelines/scene-identity.yaml");
 * const source = await openInput(p);
 * const plan = planFor(p, source);
 * const ctx = { pipeline: p, source, plan, signal: new AbortController().signal, log: () => {} };
 * console.log((await createTileStages(p.stages, ctx)).map(([name]) => name));
 * await source.close();
 * ```
 */
export async function createTileStages(
  specs: readonly ({ type: string } & Record<string, unknown>)[],
  ctx: StageContext,
): Promise<[string, OperatorFunction<Tile, Tile>][]> {
  const out: [string, OperatorFunction<Tile, Tile>][] = [];
  for (const { type, ...options } of specs) {
    const d = stageDescriptor(type);
    out.push([type, await d.create(d.options.parse(options), ctx)]);
  }
  return out;
}
