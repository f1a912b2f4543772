/**
 * `evaluateNowcast(forecast, observations)`: score a nowcast product store (`(time, lead_time, y,
 * x)`, as `tilecast nowcast` writes it) against the observed series it forecasts (`tilecast
 * evaluate --thresholds`), over every cycle in the store, beside two baselines computed from the
 * same observations:
 *
 * - **persistence**: the frame at the cycle time, for every lead;
 * - **extrapolation**: that frame moved on by the field's motion over the `frames` frames ending
 *   at the cycle time (phase correlation, {@link extrapolate}).
 *
 * For every method, lead time and threshold: the contingency table (an event is rain `>=` the
 * threshold) summed over cycles and cells, and CSI, POD and FAR from it. Only cells observed at
 * the valid time and forecast by the model count, the same cells for every method.
 *
 * @example
 * ```ts
 * import { evaluateNowcast, loadPipeline, runNowcast } from "tilecast/pipeline";
 * await runNowcast(await loadPipeline("pipelines/radar-nowcast.yaml", ["output.path=/tmp/nc.zarr"]), { cycle: "2010-08-26T06:00Z" });
 * const s = await evaluateNowcast("/tmp/nc.zarr", "fixtures/radar-knmi/knmi-20100826.rain-4km.zarr", { thresholds: [1] });
 * console.log(s.leadMinutes, s.methods.persistence.csi[0]);
 * ```
 */
import { TilecastError } from "../errors.js";
import { extrapolate } from "../grid/motion.js";
import { parseUtc } from "../grid/utc-time.js";
import { openZarrSource } from "../io/zarr/source.js";
import { type Contingency, contingency, csi, far, pod } from "../nn/metrics.js";
import { checkAligned } from "./aligned.js";
import { frameTimes } from "./forecast.js";
import { forecastIndex } from "./forecast-index.js";
import { asFloat32, openObservations } from "./observations.js";

/** Scores of one method: `[threshold][lead]`. */
export interface MethodScores {
  csi: number[][];
  pod: number[][];
  far: number[][];
  table: Contingency[][];
}

/** What {@link evaluateNowcast} found. */
export interface NowcastEvaluation {
  forecast: string;
  observations: string;
  cycles: string[];
  leadMinutes: number[];
  thresholds: number[];
  methods: Record<"model" | "persistence" | "extrapolation", MethodScores>;
}

const empty = (): Contingency => ({ hits: 0, misses: 0, falseAlarms: 0, correctNegatives: 0 });

function add(a: Contingency, b: Contingency): void {
  a.hits += b.hits;
  a.misses += b.misses;
  a.falseAlarms += b.falseAlarms;
  a.correctNegatives += b.correctNegatives;
}

/** Score a nowcast store; see the module documentation. */
export async function evaluateNowcast(
  forecast: string,
  observations: string,
  o: {
    thresholds: readonly number[];
    variable?: string;
    frames?: number /** Score only the newest this many cycles. */;
    last?: number;
  },
): Promise<NowcastEvaluation> {
  const { cycles, leads, variable } = await forecastIndex(forecast, o.variable);
  const obs = await openObservations(observations, variable);
  const times = frameTimes(obs);
  const frames = o.frames ?? 4;
  const { width: w, height: h } = obs.meta;
  const n = w * h;
  const methods = ["model", "persistence", "extrapolation"] as const;
  const tables = Object.fromEntries(methods.map((m) => [m, o.thresholds.map(() => leads.map(empty))])) as Record<
    (typeof methods)[number],
    Contingency[][]
  >;
  const frameAt = async (ms: number) => {
    const i = times.indexOf(ms);
    if (i < 0) return null;
    return asFloat32((await obs.readWindow({ x: 0, y: 0, width: w, height: h }, { bands: [i] })).data);
  };
  const first = o.last === undefined ? 0 : Math.max(0, cycles.length - o.last);
  try {
    for (let s = first; s < cycles.length; s++) {
      const t0 = parseUtc(cycles[s] as string);
      const fc = await openZarrSource(forecast, { variable, index: { time: s } });
      checkAligned(obs.meta, fc.meta, { subject: "the nowcast is", of: "observations" });
      const model = (await fc.readWindow({ x: 0, y: 0, width: w, height: h })).data as Float32Array;
      await fc.close();
      // The frames one lead apart up to the cycle, back to the first missing one: a gap bridged
      // would double the motion the extrapolation measures across it.
      const past: Float32Array[] = [];
      for (let f = 0; f < frames; f++) {
        const fr = await frameAt(t0 - f * (leads[0] as number) * 60000);
        if (!fr) break;
        past.unshift(fr);
      }
      const now = past.at(-1);
      if (!now || past.length < 2)
        throw new TilecastError("E_NOT_FOUND", `the observations lack the frames before cycle ${cycles[s]}`, {
          path: observations,
        });
      const moved = extrapolate(past, h, w, leads.length);
      for (let k = 0; k < leads.length; k++) {
        const truth = await frameAt(t0 + (leads[k] as number) * 60000);
        if (!truth) continue; // the observations end before this lead's valid time
        const m = model.subarray(k * n, (k + 1) * n);
        const valid = Uint8Array.from(truth, (v, i) => (Number.isFinite(v) && Number.isFinite(m[i] as number) ? 1 : 0));
        const byMethod = { model: m, persistence: now, extrapolation: moved[k] as Float32Array };
        o.thresholds.forEach((th, j) => {
          for (const name of methods)
            add(tables[name][j]?.[k] as Contingency, contingency(byMethod[name], truth, th, valid));
        });
      }
    }
  } finally {
    await obs.close();
  }
  const scores = (t: Contingency[][]): MethodScores => ({
    csi: t.map((r) => r.map(csi)),
    pod: t.map((r) => r.map(pod)),
    far: t.map((r) => r.map(far)),
    table: t,
  });
  return {
    forecast,
    observations,
    cycles: cycles.slice(first),
    leadMinutes: leads,
    thresholds: [...o.thresholds],
    methods: {
      model: scores(tables.model),
      persistence: scores(tables.persistence),
      extrapolation: scores(tables.extrapolation),
    },
  };
}
