/**
 * `runForecast(p, { cycle })`: one forecast cycle (`tilecast forecast`, also `tilecast nowcast`).
 * The pipeline's input is a store whose band axis is time (a radar archive, a reanalysis); its
 * model a trained model directory. For the cycle time `t` the frames ending at `t` are read over
 * the whole grid and the model runs as {@link sequenceStepper} (a nowcaster: `K` leads at once)
 * or {@link stateStepper} (a global state model, rolled out `output.steps` times) says. The leads
 * are written as the cycle's `time` slot of `output.path`, a Zarr store with dims `(time,
 * lead_time, y, x)` — `(time, lead_time, latitude, longitude)` on a latitude/longitude grid —
 * that cycles append to ({@link writeForecastSlot}).
 *
 * `until` runs every cycle from `cycle` to `until` at the input's time step.
 *
 * @example
 * ```ts
 * import { loadPipeline, runForecast } from "tilecast/pipeline";
 * const p = await loadPipeline("pipelines/radar-nowcast.yaml", ["output.path=/tmp/nowcast.zarr"]);
 * const s = await runForecast(p, { cycle: "2010-08-26T06:00Z" });
 * console.log(s.cycles, s.leadMinutes); // ["2010-08-26T06:00:00.000Z"] [5, 10, 15, 20, 25, 30]
 * ```
 */
import { TilecastError } from "../errors.js";
import type { Stats } from "../grid/band-stats.js";
import type { Calendar } from "../grid/calendars.js";
import { isGeographic } from "../grid/crs.js";
import { placingTransform } from "../grid/grid.js";
import { type LabelTime, parseTimeIn, parseTimeLabel, timeLabel } from "../grid/time-labels.js";
import { commonUnit } from "../io/carried-attrs.js";
import type { GridSource } from "../io/types.js";
import { storeWkt } from "../io/zarr/crs-attrs.js";
import { type ForecastGrid, writeForecastSlot } from "../io/zarr/forecast-store.js";
import { quietCpuBanner } from "../nn/backend.js";
import { type ModelCard, readModelCard } from "../nn/model-card.js";
import { tf } from "../tfjs.js";
import { type Pipeline, requireOutput } from "./config.js";
import { cycleFrames, inputStep } from "./cycle-frames.js";
import { checkForecastKeys } from "./forecast-keys.js";
import { checkForecastModel } from "./forecast-model.js";
import { type ForecastRunner, forecastRunner } from "./forecast-runner.js";
import { sequenceStepper, stateStepper } from "./forecast-steppers.js";
import { normalizeStats, openInput, planFor, singleVariable } from "./input.js";
import { checkOutputRoot } from "./output-root.js";
import { checkTrainedFrames } from "./trained-frames.js";
import { TrainingRange } from "./training-range.js";
import { joinWarnings, unitsWarning } from "./units-check.js";

/** What a forecast run wrote. */
export interface ForecastSummary {
  output: string;
  cycles: string[];
  /** Cycles of a run to `until` left out because their frames are missing, and why. */
  skipped: { cycle: string; problem: string }[];
  leadMinutes: number[];
  seconds: number;
  backend: string;
  /** The input lies mostly outside the range the model was trained on (training-range.ts). */
  inputWarning?: string;
}

/** @deprecated The old name of {@link ForecastSummary}. */
export type NowcastSummary = ForecastSummary;

/** Times of the input's band axis and their calendar (`LabelTime`); an error when it has none. */
export function frameClock(src: {
  meta: { attrs: { bandNames?: readonly (string | null)[] }; bands: number; path: string };
}): { times: number[]; calendar: Calendar } {
  const names = src.meta.attrs.bandNames ?? [];
  const t = names.map((n) => (typeof n === "string" ? parseTimeLabel(n) : null));
  if (t.length !== src.meta.bands || t.some((v) => !v))
    throw new TilecastError("E_ARGUMENT", "the input's band axis is not time (a forecast reads a time series)", {
      path: src.meta.path,
    });
  const calendar = (t[0] as LabelTime).calendar;
  if (t.some((v) => v?.calendar !== calendar))
    throw new TilecastError("E_ARGUMENT", "the input's times are of more than one calendar", { path: src.meta.path });
  return { times: t.map((v) => (v as LabelTime).ms), calendar };
}

/**
 * Times of the input's band axis as real instants (ms since 1970), for what runs on the clock (a
 * radar nowcast and its scores); an error when it has none, or when they are dates of a model
 * calendar.
 */
export function frameTimes(src: {
  meta: { attrs: { bandNames?: readonly (string | null)[] }; bands: number; path: string };
}): number[] {
  const { times, calendar } = frameClock(src);
  if (calendar !== "proleptic_gregorian")
    throw new TilecastError(
      "E_UNSUPPORTED",
      `the input's times are dates of the ${calendar} calendar, not instants: nowcasts run on real times (xarray's convert_calendar("standard") rewrites the input)`,
      { path: src.meta.path },
    );
  return times;
}

/** The product's grid: `y`/`x` in the input's CRS, or `latitude`/`longitude` on a geographic grid. */
function productGrid(
  p: Pipeline,
  src: GridSource,
  variable: string,
  card: ModelCard,
  dir: string,
  calendar: Calendar,
): ForecastGrid {
  const { width: w, height: h, georef } = src.meta;
  if (georef && !placingTransform(georef))
    throw new TilecastError(
      "E_UNSUPPORTED",
      "the input has no transform (a CRS or RPCs alone, or ground control points), so the forecast would have no coordinates: warp it first (gdalwarp)",
      { path: src.meta.path },
    );
  const gt = georef?.transform ?? [0, 1, 0, 0, 0, 1];
  // A Zarr variable's units, or the unit type a GeoTIFF's time steps share.
  const units = commonUnit(src.meta.attrs, src.meta.bands);
  const geographic = isGeographic(georef?.crs);
  const f = card.frames;
  return {
    variable,
    ...(units ? { units } : {}),
    longName: `forecast of ${variable}`,
    calendar,
    x: Array.from({ length: w }, (_, i) => gt[0] + gt[1] * (i + 0.5)),
    y: Array.from({ length: h }, (_, j) => gt[3] + gt[5] * (j + 0.5)),
    ...(geographic ? { dims: ["latitude", "longitude"] as const } : {}),
    crsWkt: georef?.crs ? storeWkt(georef.crs) || null : null,
    attrs: {
      title: `tilecast forecast (${card.architecture.type}, ${f?.input ?? 1} frames in)`,
      source: `model ${dir}; input ${p.input.path}`,
    },
  };
}

/**
 * Run one cycle, or every cycle up to `until` (`onCycle` is told how many of them are done, for
 * a progress bar); see the module documentation.
 */
export async function runForecast(
  p: Pipeline,
  o: { cycle: string; until?: string; outputRoot?: string; onCycle?: (done: number, total: number) => void },
): Promise<ForecastSummary> {
  const started = performance.now();
  const output = requireOutput(p);
  await checkOutputRoot(p, o.outputRoot ?? process.env.TILECAST_OUTPUT_ROOT);
  if (!output.path.endsWith(".zarr"))
    throw new TilecastError("E_ARGUMENT", "output.path: a forecast writes a Zarr store (.zarr)", { path: p.file });
  // A forecast store holds float32 leads: another dtype (and so a packing, which needs an
  // integer one) would be silently ignored.
  if (output.dtype !== "float32")
    throw new TilecastError(
      "E_ARGUMENT",
      `output.dtype: a forecast writes float32 leads; ${output.dtype} (and a scale and offset) apply to tilecast run`,
      { path: p.file },
    );
  const dir = p.model.path;
  if (typeof dir !== "string")
    throw new TilecastError("E_ARGUMENT", "model.path: a forecast runs a trained model directory", { path: p.file });
  await tf.ready();
  quietCpuBanner();
  // The card is checked and the input opened before the weights load: a refused model or an
  // input not there yet (a schedule retries it every cycle) leaves no weights behind.
  const card = await readModelCard(dir);
  if (!card.frames)
    throw new TilecastError("E_ARGUMENT", "card.json has no frames: not a forecast model", { path: dir });
  checkForecastModel(p, card, dir);
  const src = await openInput(p);
  let kept: ForecastRunner | undefined;
  try {
    // Kept for the process's next cycle of this model (a schedule's): forecast-runner.ts.
    kept = await forecastRunner(p, dir);
    const { model, runner } = kept;
    const variable = singleVariable(p, "a forecast model") ?? (src.meta as { variable?: string }).variable;
    const trained = card.inputs[0]?.name;
    if (card.inputs.length !== 1 || (variable !== undefined && trained !== variable))
      throw new TilecastError(
        "E_ARGUMENT",
        `the model in ${dir} was trained on ${card.inputs.map((i) => `'${i.name}'`).join(", ")}; the input's variable is '${variable}'`,
        { path: p.input.path },
      );
    checkForecastKeys(p, output, model.inputs[0]?.shape.length !== 4);
    // Cycles and leads in the input's calendar: a climate model's noleap or 360_day dates.
    const { times, calendar } = frameClock(src);
    const label = (ms: number) => timeLabel(ms, calendar);
    const step = inputStep(src.meta.attrs.bandNames as string[], src.meta.path);
    checkTrainedFrames(card.frames, step, src.meta.georef, dir, p.input.path);
    const first = parseTimeIn(o.cycle, calendar);
    const last = o.until ? parseTimeIn(o.until, calendar) : first;
    if (Number.isNaN(first) || Number.isNaN(last)) {
      // The flag that is wrong, as the user typed it (--until only when it was given).
      const [flag, text] = Number.isNaN(first) ? ["--cycle", o.cycle] : ["--until", o.until];
      throw new TilecastError(
        "E_ARGUMENT",
        calendar === "proleptic_gregorian"
          ? `${flag} '${text}' is not an ISO 8601 time (e.g. 2026-11-21T12:00Z, UTC without a zone)`
          : `${flag} '${text}' is not a date of the input's ${calendar} calendar`,
      );
    }
    if (last < first)
      throw new TilecastError("E_ARGUMENT", `--until ${o.until} is before --cycle ${o.cycle}`, { path: p.file });
    const stats: Stats = p.normalize
      ? await normalizeStats(p.normalize, p, src, planFor(p, src))
      : { bands: [], transforms: [] };
    const method = p.normalize?.method ?? "none";
    const range = method === "none" ? undefined : new TrainingRange(stats, [], variable ?? "value");
    const input = { model: runner, src, stats, method, ...(range ? { range } : {}) };
    const T = card.frames.input;
    const state = model.inputs[0]?.shape.length === 4;
    const stepper = state ? stateStepper(input, T, output.steps ?? 1) : sequenceStepper(input, T, card.frames.output);
    const grid = productGrid(p, src, variable ?? "value", card, dir, calendar);
    const leadMinutes = Array.from({ length: stepper.leads }, (_, k) => ((k + 1) * step) / 60000);
    const cycles: string[] = [];
    const skipped: { cycle: string; problem: string }[] = [];
    const framesAt = cycleFrames(times, step, T, label, p.input.path);
    const total = Math.floor((last - first) / step) + 1;
    for (let t = first; t <= last; t += step) {
      o.onCycle?.(cycles.length + skipped.length, total);
      let bands: number[];
      try {
        bands = framesAt(t);
      } catch (e) {
        // A run over many cycles (a backfill across an outage) goes on past a cycle whose frames
        // are missing and names it; one cycle alone (as a schedule runs it) is refused.
        if (first === last || !(e instanceof TilecastError) || e.code !== "E_NOT_FOUND") throw e;
        skipped.push({ cycle: label(t), problem: e.problem });
        continue;
      }
      const data = await stepper.forecast(bands);
      await writeForecastSlot(output.path, grid, { time: t, leadMinutes, data });
      cycles.push(label(t));
    }
    o.onCycle?.(total, total);
    const inputWarning = joinWarnings(
      unitsWarning(
        card.inputs.map((i) => i.units),
        [commonUnit(src.meta.attrs, src.meta.bands)],
        [variable],
      ),
      range?.warning(),
    );
    if (!cycles.length)
      throw new TilecastError(
        "E_NOT_FOUND",
        `no cycle from ${o.cycle} to ${o.until} has its frames: ${skipped[0]?.problem}`,
        {
          path: p.input.path,
        },
      );
    return {
      output: output.path,
      cycles,
      skipped,
      leadMinutes,
      seconds: Math.round(performance.now() - started) / 1000,
      backend: tf.getBackend(),
      ...(inputWarning ? { inputWarning } : {}),
    };
  } finally {
    await kept?.release();
    await src.close();
  }
}

/** @deprecated The old name of {@link runForecast}. */
export const runNowcast = runForecast;
