/**
 * The output root: when one is configured (`runPipeline(p, { outputRoot })`, `tilecast run
 * --output-root DIR`, or `TILECAST_OUTPUT_ROOT`), every file a pipeline writes must lie inside
 * it. Paths are resolved as the filesystem will (`..` and symlinks of existing parents), so a
 * pipeline file cannot escape with `../../etc/x.tif`, an absolute path or a symlinked directory.
 */
import { realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, relative, resolve } from "node:path";
import { TilecastError } from "../errors.js";
import type { Pipeline } from "./config.js";
import { stageDescriptor } from "./stages.js";

/** Where `path` will really be written: the real path of its deepest existing parent, plus the rest. */
export async function realTarget(path: string): Promise<string> {
  const p = resolve(path);
  const real = await realpath(p).catch(() => null);
  if (real) return real;
  const parent = dirname(p);
  if (parent === p) return p;
  return resolve(await realTarget(parent), basename(p));
}

/** The files a pipeline writes, by key. */
export function outputsOf(p: Pipeline): [string, string][] {
  return [
    ...present([
      ["output.path", p.output?.path],
      ["output.quicklook", p.output?.quicklook],
      ["output.classes", p.output?.classes],
      ["train.output", p.train?.output],
      ["train.checkpoints", p.train?.checkpoints],
      ["normalize.saveStats", p.normalize?.saveStats],
    ]),
    ...stagePaths(p, true),
  ];
}

/** The pairs whose path is given. */
const present = (list: [string, string | undefined][]) =>
  list.filter((kv): kv is [string, string] => kv[1] !== undefined);

/**
 * The path options of the pipeline's tile stages that they write (`writes`), or that they read
 * (statistics a later `normalize` stage loads), by key (`stages.1.saveStats`).
 */
export function stagePaths(p: Pipeline, writes: boolean): [string, string][] {
  return p.stages.flatMap((st, i) => {
    const d = stageDescriptor(st.type);
    const keys = (d.paths ?? []).filter((k) => (d.writes ?? []).includes(k) === writes);
    return present(keys.map((k) => [`stages.${i}.${k}`, typeof st[k] === "string" ? st[k] : undefined]));
  });
}

/**
 * Refuse a pipeline that would write outside `root` (no check when `root` is undefined).
 *
 * @example
 * ```ts
 * import { checkOutputRoot, loadPipeline } from "tilecast/pipeline";
 * const p = await loadPipeline("pipelines/scene-ndvi.yaml", ["output.path=/etc/ndvi.tif"]);
 * await checkOutputRoot(p, "out").catch((e) => console.log(e.code)); // E_ARGUMENT
 * ```
 */
export async function checkOutputRoot(p: Pipeline, root: string | undefined): Promise<void> {
  if (!root) return;
  const base = await realTarget(root);
  for (const [key, path] of outputsOf(p)) {
    const where = await realTarget(path);
    const rel = relative(base, where);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel))
      throw new TilecastError(
        "E_ARGUMENT",
        `${key} ${path} is outside the output root ${root} (it resolves to ${where})`,
        { path: p.file },
      );
  }
}
