/**
 * Each output of a pipeline has a path of its own, and none is a file the pipeline reads: checked
 * when the file is loaded, before any work, with paths resolved as the filesystem will (`..`,
 * symlinked directories). Before, `output.classes` set to `output.path` wrote both products to one
 * file (one lost, exit 0), `output.quicklook` set to `output.path` replaced the GeoTIFF with a
 * PNG, and a quicklook over the input failed only after the run, its main output written.
 * Statistics saved where they are loaded from (`normalize.saveStats` = `normalize.stats`) stay
 * allowed: the same numbers are written back.
 *
 * Internal (used by config.ts).
 */
import { TilecastError } from "../errors.js";
import { isUrl } from "../util/url.js";
import type { Pipeline } from "./config.js";
import { outputsOf, realTarget } from "./output-root.js";

/** The files a pipeline reads that an output could name, by key. */
function inputsOf(p: Pipeline): [string, string][] {
  const list: [string, string | undefined][] = [
    ["input.path", p.input.path],
    ["input.labels", p.input.labels],
    ["normalize.stats", p.normalize?.stats === "compute" ? undefined : p.normalize?.stats],
  ];
  return list.filter((kv): kv is [string, string] => kv[1] !== undefined && !isUrl(kv[1]));
}

/** Refuse two outputs at one path, or an output at an input's path; see the module documentation. */
export async function checkOutputPaths(p: Pipeline): Promise<void> {
  const refuse = (problem: string) => new TilecastError("E_ARGUMENT", problem, { path: p.file });
  const seen = new Map<string, [string, string]>();
  for (const [key, path] of outputsOf(p)) {
    const real = await realTarget(path);
    const other = seen.get(real);
    if (other) throw refuse(`${key} ${path} is ${other[0]} too: give each output its own path`);
    seen.set(real, [key, path]);
  }
  for (const [key, path] of inputsOf(p)) {
    const [output, where] = seen.get(await realTarget(path)) ?? [];
    if (output && !(output === "normalize.saveStats" && key === "normalize.stats"))
      throw refuse(`${output} ${where} is ${key}: an output may not replace what the pipeline reads`);
  }
}
