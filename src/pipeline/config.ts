/**
 * Pipeline files: YAML describing inputs, tiling, stages with their options, the model and the
 * outputs, validated with zod. Errors name the file, the line and the key
 * (`pipelines/x.yaml:12: tiling.overlap: expected a number`). `--set key=value` overrides any
 * key before validation, the value parsed as YAML (`--set tiling.size=256`).
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
import { isMap, LineCounter, parseDocument, parse as parseYaml } from "yaml";
import { z } from "zod";
import { TilecastError } from "../errors.js";
import { isUrl } from "../util/url.js";

const chance = { p: z.number().min(0).max(1).optional() };
const range = { ...chance, min: z.number(), max: z.number() };

const augmentSchema = z
  .object({
    seed: z.number().int().optional(),
    epoch: z.number().int().optional(),
    hflip: z.object(chance).strict().optional(),
    vflip: z.object(chance).strict().optional(),
    rot90: z.object(chance).strict().optional(),
    rotate: z
      .object({ ...chance, degrees: z.number() })
      .strict()
      .optional(),
    translate: z
      .object({ ...chance, fraction: z.number().min(0).max(1) })
      .strict()
      .optional(),
    scale: z.object(range).strict().optional(),
    shear: z
      .object({ ...chance, degrees: z.number() })
      .strict()
      .optional(),
    elastic: z
      .object({ ...chance, alpha: z.number(), sigma: z.number().positive() })
      .strict()
      .optional(),
    crop: z
      .object({ ...chance, size: z.number().int().positive() })
      .strict()
      .optional(),
    brightness: z
      .object({ ...chance, delta: z.number() })
      .strict()
      .optional(),
    contrast: z.object(range).strict().optional(),
    gamma: z.object(range).strict().optional(),
    noise: z
      .object({ ...chance, std: z.number().nonnegative() })
      .strict()
      .optional(),
    cutout: z
      .object({
        ...chance,
        size: z.number().int().positive(),
        count: z.number().int().positive().optional(),
        fill: z.number().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The schema of a pipeline file. */
export const pipelineSchema = z
  .object({
    name: z.string().optional(),
    input: z
      .object({
        path: z.string(),
        bands: z.array(z.number().int().nonnegative()).optional(),
        var: z.string().optional(),
        index: z.record(z.string(), z.number().int()).optional(),
        labels: z.string().optional(),
      })
      .strict(),
    tiling: z
      .object({
        size: z.number().int().positive(),
        overlap: z.number().int().nonnegative().default(0),
        edge: z.enum(["pad", "shift", "drop"]).default("pad"),
        padding: z.enum(["nodata", "reflect"]).default("nodata"),
        periodic: z.union([z.boolean(), z.literal("auto")]).default("auto"),
        skipEmpty: z.boolean().default(true),
        concurrency: z.number().int().positive().default(8),
      })
      .strict(),
    normalize: z
      .object({
        method: z.enum(["zscore", "minmax"]).default("zscore"),
        /** `compute` (a streaming pass first) or a statistics JSON file. */
        stats: z.string().default("compute"),
        transforms: z.array(z.enum(["none", "log1p"])).optional(),
        saveStats: z.string().optional(),
      })
      .strict()
      .optional(),
    augment: augmentSchema.optional(),
    model: z.object({ type: z.string() }).catchall(z.unknown()),
    batch: z.number().int().positive().default(8),
    stitch: z
      .object({ weights: z.enum(["hann", "linear", "uniform", "crop"]).default("hann") })
      .strict()
      .default({ weights: "hann" }),
    output: z
      .object({
        path: z.string(),
        dtype: z.enum(["uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64"]).default("float32"),
        nodata: z.number().nullable().optional(),
        block: z.number().int().positive().default(256),
        compress: z.enum(["deflate", "none"]).default("deflate"),
        quicklook: z.string().optional(),
      })
      .strict(),
  })
  .strict();

/** A validated pipeline, paths resolved. */
export type Pipeline = z.infer<typeof pipelineSchema> & { file: string };

/** Set `a.b.c = value` in a plain object tree (creating objects on the way). */
export function setPath(root: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split(".");
  let node = root;
  for (const p of parts.slice(0, -1)) {
    const next = node[p];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Parse `key=value` overrides (values as YAML: numbers, booleans, lists). */
export function parseSets(sets: readonly string[]): [string, unknown][] {
  return sets.map((s) => {
    const i = s.indexOf("=");
    if (i <= 0) throw new TilecastError("E_ARGUMENT", `--set takes KEY=VALUE, got '${s}'`);
    return [s.slice(0, i), parseYaml(s.slice(i + 1))];
  });
}

/** Parse and validate pipeline text (`file` names it in errors and anchors relative paths). */
export function parsePipeline(text: string, file: string, sets: readonly string[] = []): Pipeline {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e?.linePos?.[0]?.line ?? 1;
    throw new TilecastError("E_FORMAT", `line ${line}: ${e?.message.split("\n")[0]}`, { path: file });
  }
  if (!isMap(doc.contents)) throw new TilecastError("E_FORMAT", "a pipeline file is a YAML mapping", { path: file });
  const raw = doc.toJS() as Record<string, unknown>;
  for (const [k, v] of parseSets(sets)) setPath(raw, k, v);
  const parsed = pipelineSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = [...((issue?.path ?? []) as (string | number)[])];
    if (issue?.code === "unrecognized_keys") path.push(...(issue.keys as string[]).slice(0, 1));
    let node = doc.getIn(path, true) as { range?: [number, number] } | undefined;
    for (let k = path.length - 1; !node?.range && k > 0; k--) node = doc.getIn(path.slice(0, k), true) as typeof node;
    const line = node?.range ? lines.linePos(node.range[0]).line : 1;
    const key = (issue?.path ?? []).join(".") || "(top level)";
    const msg =
      issue?.code === "unrecognized_keys" ? `unknown key '${(issue.keys as string[]).join("', '")}'` : issue?.message;
    throw new TilecastError("E_FORMAT", `line ${line}: ${key}: ${msg}`, { path: file });
  }
  const base = dirname(file);
  const abs = (p: string) => (isAbsolute(p) || isUrl(p) ? p : resolve(base, p));
  const p = parsed.data;
  return {
    ...p,
    file,
    input: { ...p.input, path: abs(p.input.path), ...(p.input.labels ? { labels: abs(p.input.labels) } : {}) },
    output: {
      ...p.output,
      path: abs(p.output.path),
      ...(p.output.quicklook ? { quicklook: abs(p.output.quicklook) } : {}),
    },
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

/** Read, parse and validate a pipeline file. */
export async function loadPipeline(file: string, sets: readonly string[] = []): Promise<Pipeline> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new TilecastError("E_NOT_FOUND", "cannot read pipeline file", { path: file, cause: e });
  }
  return parsePipeline(text, file, sets);
}
