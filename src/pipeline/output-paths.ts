/**
 * Each output of a pipeline has a path of its own, and none is a file the pipeline reads: checked
 * when the file is loaded, before any work, with paths resolved as the filesystem will (`..`,
 * symlinked directories). Before, `output.classes` set to `output.path` wrote both products to one
 * file (one lost, exit 0), `output.quicklook` set to `output.path` replaced the GeoTIFF with a
 * PNG, and a quicklook over the input failed only after the run, its main output written.
 * The pipeline file itself and the model it runs are inputs too (a quicklook named after the
 * pipeline file replaced it with a PNG), and a hard link is the same file by another name.
 * Statistics saved where they are loaded from (`normalize.saveStats` = `normalize.stats`) stay
 * allowed: the same numbers are written back.
 *
 * Internal (used by config.ts).
 */
import { stat } from "node:fs/promises";
import { TilecastError } from "../errors.js";
import { isUrl } from "../util/url.js";
import type { Pipeline } from "./config.js";
import { outputsOf, realTarget, stagePaths } from "./output-root.js";

/** The files a pipeline reads that an output could name, by key. */
function inputsOf(p: Pipeline): [string, string][] {
  const list: [string, string | undefined][] = [
    ["the pipeline file", p.file],
    ["input.path", p.input.path],
    ["input.labels", p.input.labels],
    ["normalize.stats", p.normalize?.stats],
    ["model.path", typeof p.model.path === "string" ? p.model.path : undefined],
    ...stagePaths(p, false),
  ];
  return list.filter((kv): kv is [string, string] => kv[1] !== undefined && kv[1] !== "compute" && !isUrl(kv[1]));
}

/**
 * Outputs that may name an input: statistics saved where they are loaded from (the same numbers
 * written back), and a model trained into the directory it starts from (read before training).
 */
function allowed(output: string, input: string): boolean {
  if (output === "train.output") return input === "model.path";
  return output.endsWith("saveStats") && input === output.replace(/saveStats$/, "stats");
}

/** Where a path really is: its real target, and its device and inode when it exists (a hard link is the same file). */
async function identity(path: string): Promise<{ real: string; inode: string | null }> {
  const s = await stat(path, { bigint: true }).catch(() => null);
  return { real: await realTarget(path), inode: s ? `${s.dev}:${s.ino}` : null };
}

/** Refuse two outputs at one path, or an output at an input's path; see the module documentation. */
export async function checkOutputPaths(p: Pipeline): Promise<void> {
  const refuse = (problem: string) => new TilecastError("E_ARGUMENT", problem, { path: p.file });
  const outputs: { key: string; path: string; real: string; inode: string | null }[] = [];
  const same = (a: { real: string; inode: string | null }, b: { real: string; inode: string | null }) =>
    a.real === b.real || (a.inode !== null && a.inode === b.inode);
  for (const [key, path] of outputsOf(p)) {
    const id = await identity(path);
    const other = outputs.find((o) => same(o, id));
    if (other) throw refuse(`${key} ${path} is ${other.key} too: give each output its own path`);
    outputs.push({ key, path, ...id });
  }
  for (const [key, path] of inputsOf(p)) {
    const id = await identity(path);
    const output = outputs.find((o) => same(o, id) && !allowed(o.key, key));
    if (output)
      throw refuse(`${output.key} ${output.path} is ${key}: an output may not replace what the pipeline reads`);
  }
}
