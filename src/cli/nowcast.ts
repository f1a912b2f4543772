/**
 * `tilecast forecast <pipeline> --cycle T [--until T2]` (alias `nowcast`): run forecast cycles into the pipeline's
 * `(time, lead_time, y, x)` Zarr store and say what was written.
 */
import { TilecastError } from "../errors.js";
import { selectBackend } from "../nn/backend.js";
import { loadPipeline } from "../pipeline/config.js";
import { runForecast } from "../pipeline/forecast.js";
import { type Progress, progress } from "./progress.js";

/** Flags of `tilecast nowcast`. */
export interface NowcastFlags {
  cycle: string;
  until?: string;
  set: string[];
  outputRoot?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Run the cycles and print a summary. */
export async function nowcastCommand(file: string, o: NowcastFlags): Promise<void> {
  await selectBackend();
  const p = await loadPipeline(file, o.set);
  let bar: Progress | undefined;
  const s = await runForecast(p, {
    cycle: o.cycle,
    ...(o.until ? { until: o.until } : {}),
    ...(o.outputRoot ? { outputRoot: o.outputRoot } : {}),
    onCycle: (done, total) => {
      bar ??= progress(p.name ?? "forecast", total, o.quiet, "cycles");
      bar.update(done);
    },
  }).finally(() => bar?.stop());
  const n = s.cycles.length;
  if (o.json) process.stdout.write(`${JSON.stringify(s)}\n`);
  else {
    process.stdout.write(
      `wrote ${n} cycle${n === 1 ? "" : "s"} (${s.cycles[0]}${n > 1 ? ` to ${s.cycles.at(-1)}` : ""}) to ${s.output}\n` +
        `  leads     ${s.leadMinutes.join(", ")} min\n  time      ${s.seconds.toFixed(2)} s\n  backend   ${s.backend}\n`,
    );
    if (s.inputWarning) process.stdout.write(`  warning   ${s.inputWarning}\n`);
  }
  if (s.skipped.length) {
    if (!o.json) for (const k of s.skipped) process.stderr.write(`  skipped   ${k.cycle}: ${k.problem}\n`);
    const m = s.skipped.length;
    throw new TilecastError(
      "E_NOT_FOUND",
      `${m} cycle${m === 1 ? "" : "s"} skipped: their frames are missing (${o.json ? "in the summary's skipped" : "listed above"})`,
      { path: p.input.path },
    );
  }
}
