/**
 * What the operations page shows, as JSON: each scheduled pipeline's recent cycles, the forecast
 * products they wrote (with their cycles and lead times), skill beside persistence, runs from
 * their manifests, quicklooks, and the queue. Only what the state directory and the files under
 * the root say; nothing here writes.
 */
import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { errorLine } from "../../errors.js";
import { openZarr } from "../../io/zarr/dataset.js";
import { openZarrSource } from "../../io/zarr/source.js";
import { evaluateGlobal } from "../../pipeline/evaluate-global.js";
import { evaluateNowcast } from "../../pipeline/evaluate-nowcast.js";
import { forecastIndex } from "../../pipeline/forecast-index.js";
import { listRuns, type RunProgress } from "../../pipeline/runs.js";
import { mapLimit } from "../../util/map-limit.js";
import { cyclePipeline } from "../cycle.js";
import { type CycleRecord, readCycleRecords, summarizeCycles } from "../cycle-record.js";
import { drawFrame, type Frame } from "./frame.js";

/** A pipeline's recent cycles for the timeline. */
export interface CycleTimeline {
  name: string;
  counts: Record<string, number>;
  medianLatencySeconds: number | null;
  cycles: Pick<
    CycleRecord,
    "cycle" | "status" | "started" | "seconds" | "latencySeconds" | "error" | "warning" | "output"
  >[];
}

/** The newest `last` cycles of every pipeline under `state`. */
export async function cycleTimelines(state: string, last = 48): Promise<CycleTimeline[]> {
  const out: CycleTimeline[] = [];
  for (const s of await summarizeCycles(state, last)) {
    const records = await readCycleRecords(state, s.name, last);
    out.push({
      name: s.name,
      counts: s.counts,
      medianLatencySeconds: s.medianLatencySeconds,
      cycles: records.map(({ cycle, status, started, seconds, latencySeconds, error, warning, output }) => ({
        cycle,
        status,
        started,
        seconds,
        ...(latencySeconds !== undefined ? { latencySeconds } : {}),
        ...(error ? { error } : {}),
        ...(warning ? { warning } : {}),
        ...(output ? { output } : {}),
      })),
    });
  }
  return out;
}

/** A forecast product store. */
export interface Product {
  /** Its path under the root. */
  id: string;
  variable: string;
  units: string;
  cycles: string[];
  leadMinutes: number[];
  /** Whether it is on a latitude/longitude grid (a global forecast). */
  global: boolean;
}

/** Directories named `*.zarr` under `root`, at most `depth` levels down. */
async function stores(root: string, dir = root, depth = 4): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (!e.isDirectory() || e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.name.endsWith(".zarr")) out.push(p);
    else if (depth > 0 && !e.name.endsWith(".parts")) out.push(...(await stores(root, p, depth - 1)));
  }
  return out;
}

/** The forecast product stores under `root` (other stores are left out). */
export async function products(root: string): Promise<Product[]> {
  const out: Product[] = [];
  for (const path of await stores(root)) {
    try {
      const { cycles, leads, variable } = await forecastIndex(path);
      const ds = await openZarr(path, { cacheBytes: 0 });
      const info = ds.arrays.get(variable);
      const dims = info?.dims ?? [];
      out.push({
        id: relative(root, path),
        variable,
        units: String(info?.attrs.units ?? ""),
        cycles,
        leadMinutes: leads,
        global: dims.includes("latitude") || dims.includes("lat"),
      });
    } catch {
      // not a forecast store
    }
  }
  return out;
}

/** Lead `lead` of cycle `cycle` of the product store at `path`, drawn for the map. */
export async function productFrame(path: string, cycle: number, lead: number): Promise<Frame> {
  const { variable } = await forecastIndex(path);
  const ds = await openZarr(path, { cacheBytes: 0 });
  const units = String(ds.arrays.get(variable)?.attrs.units ?? "");
  const src = await openZarrSource(path, { variable, index: { time: cycle } });
  try {
    const { width, height, georef } = src.meta;
    const g = await src.readWindow({ x: 0, y: 0, width, height }, { bands: [lead] });
    const data = g.data instanceof Float32Array ? g.data : Float32Array.from(g.data);
    if (!georef) throw new Error("the product has no georeferencing");
    return await drawFrame(data, width, height, georef, units);
  } finally {
    await src.close();
  }
}

/** Skill per lead beside persistence: CSI at 1 mm/h for nowcasts; RMSE and ACC for global forecasts. */
export interface Skill {
  pipeline: string;
  product: string;
  metric: string;
  cycles: number;
  leadMinutes: number[];
  model: number[];
  persistence: number[];
  error?: string;
}

/** Skill of each pipeline's product over its newest `last` cycles, against its own input. */
export async function skill(state: string, root: string, last = 12): Promise<Skill[]> {
  const out: Skill[] = [];
  const stores = await products(root);
  for (const t of await cycleTimelines(state, 500)) {
    const ok = t.cycles.filter((c) => (c.status === "ok" || c.status === "late") && c.output);
    const latest = ok.at(-1);
    if (!latest?.output) continue;
    const base = { pipeline: t.name, product: relative(root, latest.output) };
    try {
      const p = await cyclePipeline(
        // The newest record alone: all of them are a year of 5-minute cycles, 105 000 files.
        (await readCycleRecords(state, t.name, 1)).at(-1)?.pipeline as string,
        new Date(latest.cycle),
      );
      const global = stores.find((q) => q.id === base.product)?.global ?? false;
      if (global) {
        const e = await evaluateGlobal(latest.output, p.input.path, { last });
        const units = e.units ? ` (${e.units})` : "";
        for (const [metric, key] of [
          [`latitude-weighted RMSE${units}`, "rmse"],
          ["ACC", "acc"],
        ] as const)
          out.push({
            ...base,
            metric,
            cycles: e.cycles.length,
            leadMinutes: e.leadMinutes,
            model: e.methods.model[key],
            persistence: e.methods.persistence[key],
          });
      } else {
        const e = await evaluateNowcast(latest.output, p.input.path, { thresholds: [1], last });
        const row = (m: "model" | "persistence") => e.methods[m].csi[0] ?? [];
        out.push({
          ...base,
          metric: "CSI ≥ 1 mm/h",
          cycles: e.cycles.length,
          leadMinutes: e.leadMinutes,
          model: row("model"),
          persistence: row("persistence"),
        });
      }
    } catch (e) {
      out.push({ ...base, metric: "", cycles: 0, leadMinutes: [], model: [], persistence: [], error: errorLine(e) });
    }
  }
  return out;
}

/** The newest quicklook PNGs under `root` (paths under it), newest first. */
export async function quicklooks(root: string, n = 8, dir = root, depth = 4): Promise<{ id: string; mtime: string }[]> {
  const found: { id: string; mtime: string }[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  // The PNGs' times sixteen at a time: a batch's folder has thousands.
  await mapLimit(
    entries.filter((e) => e.isFile() && e.name.endsWith(".png")),
    16,
    async (e) => {
      const p = join(dir, e.name);
      const s = await stat(p).catch(() => null); // removed since it was listed
      if (s) found.push({ id: relative(root, p), mtime: s.mtime.toISOString() });
    },
  );
  for (const e of entries)
    if (e.isDirectory() && depth > 0 && !e.name.endsWith(".zarr") && !e.name.endsWith(".parts"))
      for (const q of await quicklooks(root, n, join(dir, e.name), depth - 1)) found.push(q);
  return found.sort((a, b) => b.mtime.localeCompare(a.mtime)).slice(0, n);
}

/** What the page shows of the runs under the root: how many, and the newest `shown`. */
export interface RunsShown {
  total: number;
  complete: number;
  runs: RunProgress[];
}

/**
 * Runs under the root, from their manifests: counts of all, the newest `shown` (default 100)
 * in full. A batch of 20 000 scenes made a 20 000-row table, sent and drawn every 10 s.
 */
export async function runs(root: string, shown = 100): Promise<RunsShown> {
  const all = await listRuns(root);
  return { total: all.length, complete: all.filter((r) => r.complete).length, runs: all.slice(0, shown) };
}
