/**
 * Pipeline files: YAML describing inputs, tiling, stages with their options, the model and the
 * outputs, validated with zod. Errors name the file, the line and the key
 * (`pipelines/x.yaml:12: tiling.overlap: expected a number`). `--set key=value` overrides any
 * key before validation, the value read as sets.ts reads it (`--set tiling.size=256` a
 * number, a path as written).
 * Relative paths in a file are resolved against the file's directory.
 *
 * @example
 * ```ts
 * import { loadPipeline } from "tilecast";
 * const p = await loadPipeline("pipelines/scene-identity.yaml", ["tiling.size=64"]);
 * p.tiling.size; // 64
 * ```
 */
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { isMap, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { errorLine, TilecastError } from "../errors.js";
import { resampleSpec } from "../io/resample.js";
import { augmentStageOptions } from "../stages/augment.js";
import { normalizeStageOptions } from "../stages/normalize.js";
import { edgePolicy, padding } from "../tiling/plan.js";
import { blendWeights } from "../tiling/weights.js";
import { safeParseNullAsAbsent } from "../util/null-as-absent.js";
import { isUrl } from "../util/url.js";
import { parseSets, setPath } from "./sets.js";
import { stageDescriptor } from "./stages.js";

export { parseSets, setPath } from "./sets.js";

import { checkOutput, type Fail, outputSection, type PipelineOutput } from "./output-config.js";
import { checkOutputPaths } from "./output-paths.js";
import { resolveTrainPaths, trainSection } from "./train-config.js";

export type { PipelineOutput } from "./output-config.js";

/** The schema of a pipeline file (stage and output-format options are checked after it). */
export const pipelineSchema = z
  .object({
    name: z.string().optional(),
    input: z
      .object({
        path: z.string(),
        bands: z.array(z.number().int().nonnegative()).optional(),
        /** A store's variable, or several read as the bands of one raster (`src/io/stack.ts`). */
        var: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
        index: z.record(z.string(), z.number().int()).optional(),
        labels: z.string().optional(),
        /** Read at a coarser grid: `{factor: 4}` or `{resolution: 4000}`, `method` (labels use mode). */
        resample: resampleSpec.optional(),
      })
      .strict(),
    tiling: z
      .object({
        size: z.number().int().positive(),
        overlap: z.number().int().nonnegative().default(0),
        edge: edgePolicy.default("pad"),
        padding: padding.default("nodata"),
        periodic: z.union([z.boolean(), z.literal("auto")]).default("auto"),
        skipEmpty: z.boolean().default(true),
        concurrency: z.number().int().positive().default(8),
        /**
         * The parts a run is made in (pixels, rounded down to whole tiles): what a resumed run
         * redoes at most and what shards split. Each part boundary costs a row or column of
         * tiles predicted twice when blending, so they are large by default.
         */
        parts: z
          .object({
            width: z.number().int().positive().default(4096),
            height: z.number().int().positive().default(16384),
          })
          .strict()
          .default({ width: 4096, height: 16384 }),
      })
      .strict(),
    normalize: normalizeStageOptions.optional(),
    /** Tile stages after `normalize`, by registered name: `[{type: NAME, ...options}]`. */
    stages: z.array(z.object({ type: z.string() }).catchall(z.unknown())).default([]),
    augment: augmentStageOptions.optional(),
    model: z.object({ type: z.string() }).catchall(z.unknown()),
    batch: z.number().int().positive().default(8),
    /** Inference engine: ONNX Runtime when it loads and the model exports (auto), or one named. */
    runtime: z.enum(["auto", "onnx", "tfjs"]).default("auto"),
    stitch: z
      .object({
        weights: blendWeights.default("hann"),
        /**
         * Pixels cut from each side of a prediction before blending. `auto`: the model's
         * receptive-field radius when the halo holds it (tiled inference then equals whole-scene
         * inference), else 0 with a warning.
         */
        trim: z.union([z.literal("auto"), z.number().int().nonnegative()]).default("auto"),
      })
      .strict()
      .default({ weights: "hann", trim: "auto" }),
    /** Training (`tilecast train`): the model is the product; `output` is then optional. */
    train: trainSection.optional(),
    output: outputSection.optional(),
  })
  .strict();

type Parsed = z.infer<typeof pipelineSchema>;

/** A validated pipeline, paths resolved. */
export type Pipeline = Omit<Parsed, "output"> & {
  file: string;
  /** Absent only in a pipeline that trains (its product is the model). */
  output?: PipelineOutput;
};

/** The pipeline's output, or an error naming the file when it has none (a train pipeline). */
export function requireOutput(p: Pipeline): PipelineOutput {
  if (!p.output)
    throw new TilecastError(
      "E_ARGUMENT",
      "the pipeline has no output: it trains a model (run it with tilecast train)",
      { path: p.file },
    );
  return p.output;
}

/** `v` with `f` applied to every string in it (plain objects and arrays walked). */
function mapStrings(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === "string") return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)]));
  return v;
}

/**
 * Parse and validate pipeline text (`file` names it in errors and anchors relative paths);
 * `values` rewrites every string value once parsed, `sets` included.
 */
export function parsePipeline(
  text: string,
  file: string,
  sets: readonly string[] = [],
  values?: (s: string) => string,
): Pipeline {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e?.linePos?.[0]?.line ?? 1;
    throw new TilecastError("E_FORMAT", `line ${line}: ${e?.message.split("\n")[0]}`, { path: file });
  }
  if (!isMap(doc.contents)) throw new TilecastError("E_FORMAT", "a pipeline file is a YAML mapping", { path: file });
  let raw: Record<string, unknown>;
  try {
    // yaml stops alias expansion past maxAliasCount (a "billion laughs" file fails here, fast).
    raw = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (e) {
    throw new TilecastError("E_FORMAT", `cannot expand the YAML (${errorLine(e)})`, { path: file, cause: e });
  }
  for (const [k, v] of parseSets(sets)) setPath(raw, k, v);
  if (values) raw = mapStrings(raw, values) as Record<string, unknown>;
  const fail: Fail = (path, key, msg) => {
    let node = doc.getIn(path, true) as { range?: [number, number] } | undefined;
    for (let k = path.length - 1; !node?.range && k > 0; k--) node = doc.getIn(path.slice(0, k), true) as typeof node;
    const line = node?.range ? lines.linePos(node.range[0]).line : 1;
    throw new TilecastError("E_FORMAT", `line ${line}: ${key || "(top level)"}: ${msg}`, { path: file });
  };
  const check = <T>(schema: z.ZodType<T>, value: unknown, at: (string | number)[]): T => {
    const r = safeParseNullAsAbsent(schema, value);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    const path = [...at, ...((issue?.path ?? []) as (string | number)[])];
    const key = path.join(".");
    if (issue?.code === "unrecognized_keys") path.push(...(issue.keys as string[]).slice(0, 1));
    const msg =
      issue?.code === "unrecognized_keys" ? `unknown key '${(issue.keys as string[]).join("', '")}'` : issue?.message;
    return fail(path, key, msg ?? "invalid");
  };
  const p = check(pipelineSchema, raw, []);
  const base = dirname(file);
  const abs = (q: string) => (isAbsolute(q) || isUrl(q) ? q : resolve(base, q));
  if (!p.output && !p.train) fail([], "output", "required (or a train section, whose product is the model)");
  const output = p.output ? checkOutput(p.output, abs, fail) : undefined;
  // Each tile stage's options, checked by its descriptor; its path options resolved here.
  const stages = p.stages.map((st, i) => {
    let d: ReturnType<typeof stageDescriptor>;
    try {
      d = stageDescriptor(st.type);
    } catch (e) {
      return fail(["stages", i, "type"], `stages.${i}.type`, (e as TilecastError).problem);
    }
    const { type, ...rest } = st;
    const o = check(d.options, rest, ["stages", i]) as Record<string, unknown>;
    for (const k of d.paths ?? []) if (typeof o[k] === "string" && o[k] !== "compute") o[k] = abs(o[k] as string);
    return { ...o, type };
  });
  const { output: _raw, ...rest } = p;
  return {
    ...rest,
    file,
    stages,
    input: { ...p.input, path: abs(p.input.path), ...(p.input.labels ? { labels: abs(p.input.labels) } : {}) },
    ...(output ? { output } : {}),
    ...(p.train ? { train: resolveTrainPaths(p.train, abs) } : {}),
    model: typeof p.model.path === "string" ? { ...p.model, path: abs(p.model.path) } : p.model,
    ...(p.normalize
      ? {
          normalize: {
            ...p.normalize,
            stats: p.normalize.stats === "compute" ? "compute" : abs(p.normalize.stats),
            ...(p.normalize.saveStats ? { saveStats: abs(p.normalize.saveStats) } : {}),
          },
        }
      : {}),
  };
}

/**
 * Read, parse and validate a pipeline file. `fill` rewrites the file's text and the `sets`
 * before parsing (a cycle's time); `values` rewrites every string value after it (text that
 * must reach a value verbatim, whatever YAML would make of it: a scene's name).
 */
export async function loadPipeline(
  file: string,
  sets: readonly string[] = [],
  fill: (text: string) => string = (t) => t,
  values?: (s: string) => string,
): Promise<Pipeline> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new TilecastError("E_NOT_FOUND", "cannot read pipeline file", { path: file, cause: e });
  }
  const p = parsePipeline(fill(text), file, sets.map(fill), values);
  await checkOutputPaths(p);
  return p;
}
