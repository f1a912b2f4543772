/**
 * The runs under a directory, from their manifests (`tilecast status --runs DIR`): for each
 * output, whether it is complete, how many of its parts are done, and when one last landed. What
 * an operator watching a batch, or a page drawing its progress, wants to know.
 *
 * @example
 * ```ts
 * import { listRuns } from "tilecast/pipeline";
 * console.log(await listRuns("/tmp/no-runs-here")); // []
 * ```
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { maxOf } from "../util/extent.js";
import { mapLimit } from "../util/map-limit.js";
import { partsDir, readManifest } from "./manifest.js";
import { doneParts } from "./resumable.js";

/** One run's progress. */
export interface RunProgress {
  output: string;
  pipeline: string;
  complete: boolean;
  partsDone: number;
  partsTotal: number;
  created: string;
  /** When the output was committed, or the newest part landed (null: none yet). */
  lastActivity: string | null;
}

/** Manifests under `dir`, at most `depth` directories down (default 4). */
async function manifests(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isFile() && e.name.endsWith(".manifest.json")) out.push(p);
    else if (e.isDirectory() && depth > 0 && !e.name.endsWith(".parts")) out.push(...(await manifests(p, depth - 1)));
  }
  return out;
}

/** The runs under `dir`, newest first; see the module documentation. */
export async function listRuns(dir: string, depth = 4): Promise<RunProgress[]> {
  const runs: RunProgress[] = [];
  // Sixteen manifests at a time: a batch of thousands of scenes has a manifest each.
  await mapLimit(await manifests(dir, depth), 16, async (file) => {
    const m = await readManifest(file.slice(0, -".manifest.json".length)).catch(() => null);
    if (!m) return;
    const parts = partsDir(m.output);
    const done = m.complete ? m.identity.parts.count : (await doneParts(parts)).size;
    let last = m.complete?.finished ?? null;
    if (!last && done > 0) {
      const times = await Promise.all(
        [...(await doneParts(parts))].map((id) =>
          stat(join(parts, `part-${id}.bin`)).then(
            (s) => s.mtimeMs,
            () => 0,
          ),
        ),
      );
      last = new Date(maxOf(times)).toISOString();
    }
    runs.push({
      output: m.output,
      pipeline: m.pipelineFile,
      complete: m.complete !== undefined,
      partsDone: done,
      partsTotal: m.identity.parts.count,
      created: m.created,
      lastActivity: last,
    });
  });
  return runs.sort((a, b) => (b.lastActivity ?? b.created).localeCompare(a.lastActivity ?? a.created));
}
