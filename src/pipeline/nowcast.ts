/**
 * `runNowcast(p, { cycle })`: one nowcast cycle (`tilecast nowcast`). The pipeline's input is a
 * store whose band axis is time (a radar archive); its model a trained sequence model directory
 * (`card.json` says how many frames go in and come out). For the cycle time `t` the `T` frames
 * ending at `t` are read over the whole grid, transformed as the pipeline's `normalize` says
 * (`log1p` of mm/h), run through the model, transformed back (rain clipped at 0; NaN where the
 * input had no data at `t`) and written as the cycle's `time` slot of `output.path`, a Zarr
 * store with dims `(time, lead_time, y, x)` that cycles append to ({@link writeForecastSlot}).
 *
 * `until` runs every cycle from `cycle` to `until` at the input's time step.
 *
 * @example
 * ```ts
 * import { loadPipeline, runNowcast } from "tilecast/pipeline";
 * const p = await loadPipeline("pipelines/radar-nowcast.yaml", ["output.path=/tmp/nowcast.zarr"]);
 * const s = await runNowcast(p, { cycle: "2010-08-26T06:00Z" });
 * console.log(s.cycles, s.leadMinutes); // ["2010-08-26T06:00:00.000Z"] [5, 10, 15, 20, 25, 30]
 * ```
 */
import * as tf from "@tensorflow/tfjs";
import { TilecastError } from "../errors.js";
import type { Stats } from "../grid/band-stats.js";
import { writeForecastSlot } from "../io/zarr/forecast-store.js";
import type { ZarrSource } from "../io/zarr/source.js";
import { quietCpuBanner } from "../nn/backend.js";
import { loadModelDir } from "../nn/model-card.js";
import { normalizeGrid } from "../stages/normalize.js";
import { type Pipeline, requireOutput } from "./config.js";
import { normalizeStats, openInput, planFor } from "./input.js";

/** What a nowcast run wrote. */
export interface NowcastSummary {
  output: string;
  cycles: string[];
  leadMinutes: number[];
  seconds: number;
  backend: string;
}

/** Times of the input's band axis, in ms; an error when it has none. */
export function frameTimes(src: {
  meta: { attrs: { bandNames?: readonly (string | null)[] }; bands: number; path: string };
}): number[] {
  const names = src.meta.attrs.bandNames ?? [];
  const t = names.map((n) => (typeof n === "string" ? Date.parse(n) : Number.NaN));
  if (t.length !== src.meta.bands || t.some(Number.isNaN))
    throw new TilecastError("E_ARGUMENT", "the input's band axis is not time (a nowcast reads a time series)", {
      path: src.meta.path,
    });
  return t;
}

/** Run one cycle, or every cycle up to `until`; see the module documentation. */
export async function runNowcast(p: Pipeline, o: { cycle: string; until?: string }): Promise<NowcastSummary> {
  const started = performance.now();
  const output = requireOutput(p);
  if (!output.path.endsWith(".zarr"))
    throw new TilecastError("E_ARGUMENT", "output.path: a nowcast writes a Zarr store (.zarr)", { path: p.file });
  const dir = p.model.path;
  if (typeof dir !== "string")
    throw new TilecastError("E_ARGUMENT", "model.path: a nowcast runs a trained model directory", { path: p.file });
  await tf.ready();
  quietCpuBanner();
  const { model, card } = await loadModelDir(dir);
  if (!card.frames)
    throw new TilecastError("E_ARGUMENT", "card.json has no frames: not a sequence model", { path: dir });
  const { input: T, output: K } = card.frames;
  const src = (await openInput(p)) as ZarrSource;
  try {
    const times = frameTimes(src);
    const step = (times[1] as number) - (times[0] as number);
    const first = Date.parse(o.cycle);
    const last = o.until ? Date.parse(o.until) : first;
    if (Number.isNaN(first) || Number.isNaN(last))
      throw new TilecastError("E_ARGUMENT", `--cycle/--until: not a time (${o.cycle}, ${o.until})`);
    const stats: Stats = p.normalize
      ? await normalizeStats(p.normalize, p, src, planFor(p, src))
      : { bands: [], transforms: [] };
    const method = p.normalize?.method ?? "none";
    const log = stats.transforms.includes("log1p");
    const { width: w, height: h, georef } = src.meta;
    const gt = georef?.transform ?? [0, 1, 0, 0, 0, 1];
    const grid = {
      variable: p.input.var ?? src.meta.variable,
      ...(typeof src.meta.attrs.units === "string" ? { units: src.meta.attrs.units } : {}),
      longName: `nowcast of ${p.input.var ?? src.meta.variable}`,
      x: Array.from({ length: w }, (_, i) => gt[0] + gt[1] * (i + 0.5)),
      y: Array.from({ length: h }, (_, j) => gt[3] + gt[5] * (j + 0.5)),
      crsWkt: georef?.crs?.wkt ?? null,
      attrs: {
        title: `tilecast nowcast (${card.architecture.type}, ${T} frames in, ${K} out)`,
        source: `model ${dir}; input ${p.input.path}`,
      },
    };
    const leadMinutes = Array.from({ length: K }, (_, k) => ((k + 1) * step) / 60000);
    const cycles: string[] = [];
    for (let t = first; t <= last; t += step) {
      const at = times.indexOf(t);
      if (at < 0)
        throw new TilecastError(
          "E_NOT_FOUND",
          `no frame at ${new Date(t).toISOString()} (the input has ${new Date(times[0] as number).toISOString()} to ${new Date(times.at(-1) as number).toISOString()})`,
          { path: p.input.path },
        );
      if (at < T - 1)
        throw new TilecastError(
          "E_NOT_FOUND",
          `${T} frames end at ${new Date(t).toISOString()}: the input starts later`,
          { path: p.input.path },
        );
      const bands = Array.from({ length: T }, (_, f) => at - T + 1 + f);
      const raw = await src.readWindow({ x: 0, y: 0, width: w, height: h }, { bands });
      const framesStats = { bands: [], transforms: bands.map(() => (log ? "log1p" : "none")) } as Stats;
      const norm = normalizeGrid(raw, method === "none" ? framesStats : stats, method);
      const out = tf.tidy(() => {
        const x = tf.tensor4d(norm.data as Float32Array, [T, h, w, 1]).expandDims(0);
        return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
      });
      const lastFrame = raw.data.subarray((T - 1) * h * w);
      const data = new Float32Array(K * h * w);
      for (let k = 0; k < K; k++)
        for (let i = 0; i < h * w; i++) {
          const v = out[k * h * w + i] as number;
          const r = log ? Math.expm1(v) : v;
          data[k * h * w + i] = Number.isNaN(lastFrame[i] as number) ? Number.NaN : Math.max(0, r);
        }
      await writeForecastSlot(output.path, grid, { time: new Date(t), leadMinutes, data });
      cycles.push(new Date(t).toISOString());
    }
    return {
      output: output.path,
      cycles,
      leadMinutes,
      seconds: Math.round(performance.now() - started) / 1000,
      backend: tf.getBackend(),
    };
  } finally {
    model.dispose();
    await src.close();
  }
}
