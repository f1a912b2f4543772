/**
 * `evaluateGlobal(forecast, observations)`: score a global forecast store (`(time, lead_time,
 * latitude, longitude)`, as `tilecast forecast` writes it for a state model) against the
 * observed series (`tilecast evaluate --rmse`), over every cycle in the store, beside two
 * baselines from the same observations:
 *
 * - **persistence**: the state at the cycle time, for every lead;
 * - **climatology**: each cell's mean over the observations before `climatologyUntil` (default:
 *   the first cycle), so it never sees the period it is scored on.
 *
 * Per method and lead: the latitude-weighted RMSE averaged over cycles (WeatherBench's
 * definition: the RMSE of each forecast, then the mean) and the anomaly correlation (ACC,
 * anomalies from the climatology; undefined for the climatology itself, reported as NaN).
 *
 * @example
 * ```ts
 * import { evaluateGlobal, loadPipeline, runForecast } from "tilecast/pipeline";
 * await runForecast(await loadPipeline("pipelines/global-forecast.yaml", ["output.path=/tmp/gf.zarr"]), { cycle: "2000-07-01T00:00Z" });
 * const s = await evaluateGlobal("/tmp/gf.zarr", "fixtures/global-tracer/tracer-5.625deg-6h.zarr");
 * console.log(s.leadMinutes, s.methods.model.rmse[0], s.methods.persistence.rmse[0]);
 * ```
 */
import { TilecastError } from "../errors.js";
import { parseTimeIn, parseTimeLabel, timeLabel } from "../grid/time-labels.js";
import { commonUnit } from "../io/carried-attrs.js";
import { openZarrSource } from "../io/zarr/source.js";
import { anomalyCorrelation, latitudeWeightedRmse } from "../nn/metrics.js";
import { checkAligned } from "./aligned.js";
import { frameClock } from "./forecast.js";
import { forecastIndex } from "./forecast-index.js";
import { asFloat32, openObservations } from "./observations.js";
import { rowLatitudes } from "./train-state.js";

/** Scores of one method, per lead. */
export interface GlobalScores {
  rmse: number[];
  acc: number[];
}

/** What {@link evaluateGlobal} found. */
export interface GlobalEvaluation {
  forecast: string;
  observations: string;
  variable: string;
  units: string | null;
  cycles: string[];
  leadMinutes: number[];
  /** The period the climatology is the mean of. */
  climatology: { from: string; until: string; steps: number };
  methods: Record<"model" | "persistence" | "climatology", GlobalScores>;
}

const METHODS = ["model", "persistence", "climatology"] as const;

/** Score a global forecast store; see the module documentation. */
export async function evaluateGlobal(
  forecast: string,
  observations: string,
  o: {
    variable?: string;
    climatologyUntil?: string /** Score only the newest this many cycles. */;
    last?: number;
  } = {},
): Promise<GlobalEvaluation> {
  const { cycles, leads, variable } = await forecastIndex(forecast, o.variable);
  const obs = await openObservations(observations, variable);
  try {
    // In the observations' calendar: a climate model's noleap dates are scored as they are.
    const { times, calendar } = frameClock(obs);
    const label = (ms: number) => timeLabel(ms, calendar);
    const { width: w, height: h } = obs.meta;
    const latitudes = rowLatitudes(obs, "global scores need a latitude/longitude grid");
    const whole = { x: 0, y: 0, width: w, height: h };
    const frameAt = async (ms: number) => {
      const i = times.indexOf(ms);
      return i < 0 ? null : asFloat32((await obs.readWindow(whole, { bands: [i] })).data);
    };
    const cycleMs = cycles.map((c) => {
      const t = parseTimeLabel(c);
      if (t?.calendar !== calendar)
        throw new TilecastError(
          "E_ARGUMENT",
          `the forecast's cycle ${c} is not a time of the observations' ${calendar} calendar`,
          { path: forecast },
        );
      return t.ms;
    });
    const cut = o.climatologyUntil ? parseTimeIn(o.climatologyUntil, calendar) : (cycleMs[0] as number);
    if (Number.isNaN(cut))
      throw new TilecastError(
        "E_ARGUMENT",
        `--climatology-until: not a time${calendar === "proleptic_gregorian" ? "" : ` of the ${calendar} calendar`} (${o.climatologyUntil})`,
      );
    const past = times.flatMap((t, i) => (t < cut ? [i] : []));
    if (past.length === 0)
      throw new TilecastError("E_ARGUMENT", "no observations before the climatology's end to average", {
        path: observations,
      });
    const sum = new Float64Array(w * h);
    const count = new Float64Array(w * h);
    for (const i of past) {
      const f = asFloat32((await obs.readWindow(whole, { bands: [i] })).data);
      for (let c = 0; c < f.length; c++)
        if (Number.isFinite(f[c] as number)) {
          sum[c] = (sum[c] as number) + (f[c] as number);
          count[c] = (count[c] as number) + 1;
        }
    }
    const clim = Float32Array.from(sum, (s, c) => ((count[c] as number) > 0 ? s / (count[c] as number) : Number.NaN));
    const totals = Object.fromEntries(
      METHODS.map((m) => [m, { rmse: leads.map(() => 0), acc: leads.map(() => 0), n: leads.map(() => 0) }]),
    ) as Record<(typeof METHODS)[number], { rmse: number[]; acc: number[]; n: number[] }>;
    const n = w * h;
    const first = o.last === undefined ? 0 : Math.max(0, cycles.length - o.last);
    for (let s = first; s < cycles.length; s++) {
      const t0 = cycleMs[s] as number;
      const fc = await openZarrSource(forecast, { variable, index: { time: s }, cacheBytes: 0 });
      checkAligned(obs.meta, fc.meta, { subject: "the forecast is", of: "observations" });
      const model = (await fc.readWindow(whole)).data as Float32Array;
      await fc.close();
      const now = await frameAt(t0);
      if (!now)
        throw new TilecastError("E_NOT_FOUND", `the observations lack the state at cycle ${cycles[s]}`, {
          path: observations,
        });
      for (let k = 0; k < leads.length; k++) {
        const truth = await frameAt(t0 + (leads[k] as number) * 60000);
        if (!truth) continue; // the observations end before this lead's valid time
        const m = model.subarray(k * n, (k + 1) * n);
        const valid = Uint8Array.from(truth, (v, i) => (Number.isFinite(v) && Number.isFinite(m[i] as number) ? 1 : 0));
        const by = { model: m, persistence: now, climatology: clim };
        for (const name of METHODS) {
          const r = totals[name];
          r.rmse[k] = (r.rmse[k] as number) + latitudeWeightedRmse(by[name], truth, latitudes, valid);
          r.acc[k] = (r.acc[k] as number) + anomalyCorrelation(by[name], truth, clim, latitudes, valid);
          r.n[k] = (r.n[k] as number) + 1;
        }
      }
    }
    const mean = (v: number[], c: number[]) =>
      v.map((x, k) => ((c[k] as number) > 0 ? x / (c[k] as number) : Number.NaN));
    return {
      forecast,
      observations,
      variable,
      units: commonUnit(obs.meta.attrs, obs.meta.bands), // a store's units, or the bands' one unit type
      cycles: cycles.slice(first),
      leadMinutes: leads,
      climatology: {
        from: label(times[past[0] as number] as number),
        until: label(times[past.at(-1) as number] as number),
        steps: past.length,
      },
      methods: Object.fromEntries(
        METHODS.map((m) => [m, { rmse: mean(totals[m].rmse, totals[m].n), acc: mean(totals[m].acc, totals[m].n) }]),
      ) as GlobalEvaluation["methods"],
    };
  } finally {
    await obs.close();
  }
}
