/**
 * The benchmark harness: every workload is run on tilecast and on the tool a user would pick
 * instead, in the same run, taking turns (tilecast, reference, tilecast, ...) after one warm-up
 * each, so a slow spell of the machine falls on both. Each run is a record { name, tool, wall,
 * cpu, peak RSS, throughput }; a workload reports the medians, the spread of throughput, and the
 * ratio tilecast / reference against its target. Results go to `bench/results/<date>-<host>.json`
 * (and a PNG plot beside it); `--check` exits 1 when a target is missed.
 *
 *   npm run bench                 # everything (under 25 minutes on 2 cores once inputs exist)
 *   npm run bench -- --quick      # small inputs, under 3 minutes
 *   npm run bench -- zarr models  # only these groups
 *   npm run bench -- --only=wasm  # only workloads whose name holds "wasm"
 *   npm run bench -- --check      # exit 1 on a missed target
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { withTilecastTunables } from "../src/util/huge-pages.js";

/** One command to time; its throughput is `field` of the last JSON line it prints, or `work` / wall. */
export interface Side {
  tool: string;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  /** Units of work per run (MB, Mpx), when the command does not report its own throughput. */
  work?: number;
  /** The throughput field of the command's last JSON line. */
  field?: string;
  /**
   * Sides with the same key run the same command: the first workload to run it keeps its
   * records and later ones reuse them (one plain run serves as the reference of several rows).
   */
  share?: string;
}

/** A comparison: tilecast and (usually) a reference on the same input. */
export interface Workload {
  group: string;
  name: string;
  /** Throughput unit ("MB/s", "tiles/s"); "MB" for memory workloads. */
  unit: string;
  /** Part of `--quick`. */
  quick: boolean;
  tilecast: Side;
  reference?: Side;
  /**
   * The goal for the ratio tilecast / reference: of throughput (at least `min`), or of peak RSS
   * (`memory`: at most `max`).
   */
  target?: { min?: number; max?: number; memory?: boolean };
  /** Scene sides in pixels (tilecast's run, the reference run), for the plot of peak RSS against scene size. */
  scene?: number;
  baseScene?: number;
  /** Timed runs per side after the warm-up (default 3; 1 for long workloads). */
  runs?: number;
  /**
   * Run each side once untimed first (default true). The model scripts warm up inside; long
   * workloads on large files warm the page cache in `setup` instead of running twice.
   */
  warmup?: boolean;
  /** Called before the first run (make inputs) and after the last (remove outputs). */
  setup?(): void;
  cleanup?(): void;
  /** Why it cannot run here, or null (checked before setup). */
  unavailable?(): string | null;
}

/** One timed run. */
export interface RunRecord {
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  throughput: number;
  /** The command's last JSON line, when it printed one. */
  line?: Record<string, unknown>;
}

/** The summary of a side: medians over its runs and the spread of throughput and of peak RSS. */
export interface SideSummary extends RunRecord {
  tool: string;
  runs: number;
  spread: [number, number];
  /** The lowest and highest peak RSS of the runs (MB); `peakRssMb` is their median. */
  rssSpread: [number, number];
  /** The records are an earlier workload's (its side with the same `share` key). */
  shared?: boolean;
}

/** A workload's outcome. */
export interface Outcome {
  group: string;
  name: string;
  unit: string;
  tilecast: SideSummary;
  reference: SideSummary | null;
  ratio: number | null;
  target: Workload["target"] | null;
  met: boolean | null;
  scene?: number;
  baseScene?: number;
  skipped?: string;
  /** Seconds the workload took in all (setup, warm-up, runs, cleanup), and its setup alone. */
  seconds?: number;
  setupSeconds?: number;
}

/**
 * Every process, tilecast's and the reference's, runs with glibc's malloc asking for
 * transparent huge pages and keeping 64 MiB of freed heap, as the `tilecast` command does for
 * itself (bin/tilecast.js, src/util/huge-pages.ts). The
 * benchmarks run tilecast's modules directly with node, not through that command, and the
 * references get the same setting so that it cannot favour one side.
 *
 * And with a fixed mmap threshold of 32 MiB (`glibc.malloc.mmap_threshold`). Setting any of
 * malloc's thresholds or pads turns off glibc's dynamic mmap threshold, which otherwise rises to
 * the size of each large block freed (up to 32 MiB) so that the next one comes from the heap:
 * with `top_pad` alone, every block of 128 KiB or more is a fresh mapping, faulted in page by
 * page. PyTorch allocates each layer's output afresh, and on 2026-12-04 the bench U-Net ran at
 * 65-88 tiles/s in PyTorch with `hugetlb` and `top_pad`, 155-180 with `hugetlb` alone and
 * 197-218 with the fixed threshold added (jemalloc: 25-29); tilecast's rows were unchanged by it
 * (ONNX Runtime's U-Net 183-189 tiles/s either way, the Zarr and segmentation runs within their
 * noise). The fixed threshold is where the dynamic one ends up, so the references run as fast as
 * a tuned install gets them.
 */
export const TUNABLES = withMmapThreshold(withTilecastTunables(process.env.GLIBC_TUNABLES));

/** `tunables` with `glibc.malloc.mmap_threshold` at 32 MiB unless it sets one (see {@link TUNABLES}). */
export function withMmapThreshold(tunables: string): string {
  if (/(^|:)glibc\.malloc\.mmap_threshold=/.test(tunables)) return tunables;
  return [tunables, `glibc.malloc.mmap_threshold=${32 * 2 ** 20}`].filter(Boolean).join(":");
}

function jsonLine(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * One run of `side`: CPU time and peak RSS from GNU time, wall time from this process's clock
 * around it. GNU time gives wall time in hundredths of a second, which on the third of a second
 * a 4096² GeoTIFF read or a Zarr read takes left every rate on a few steps (224, 231 or 240 MB/s)
 * 3 % apart; the clock here counts time's own start (about a millisecond) on both sides alike.
 */
function timed(side: Side): RunRecord {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", side.cmd, ...side.args], {
    encoding: "utf8",
    env: { ...process.env, GLIBC_TUNABLES: TUNABLES, ...side.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0)
    throw new Error(`${side.tool}: ${side.cmd} failed (${r.stderr.trim().split("\n").slice(-2).join(" | ")})`);
  const [, user, sys, kb] = (r.stderr.trim().split("\n").at(-1) ?? "").split(" ").map(Number) as number[];
  const last = r.stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  const line = last ? jsonLine(last) : undefined;
  let throughput = Number.NaN;
  if (side.field) throughput = Number(line?.[side.field]);
  else if (side.work !== undefined) throughput = side.work / wall;
  return {
    wallS: wall,
    cpuS: (user as number) + (sys as number),
    peakRssMb: (kb as number) / 1024,
    throughput,
    ...(line ? { line } : {}),
  };
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Records of shared sides by key, for this process's run (see {@link Side.share}). */
const sharedRecords = new Map<string, RunRecord[]>();

function summarize(tool: string, rs: RunRecord[]): SideSummary {
  const t = rs.map((r) => r.throughput);
  const rss = rs.map((r) => r.peakRssMb);
  return {
    tool,
    runs: rs.length,
    wallS: median(rs.map((r) => r.wallS)),
    cpuS: median(rs.map((r) => r.cpuS)),
    peakRssMb: median(rss),
    throughput: median(t),
    spread: [Math.min(...t), Math.max(...t)],
    rssSpread: [Math.min(...rss), Math.max(...rss)],
  };
}

/** Run one workload: a warm-up of each side, then `runs` turns each. */
export function runWorkload(w: Workload, quick: boolean): Outcome {
  const base = {
    group: w.group,
    name: w.name,
    unit: w.unit,
    target: w.target ?? null,
    ...(w.scene ? { scene: w.scene } : {}),
    ...(w.baseScene ? { baseScene: w.baseScene } : {}),
  };
  const why = w.unavailable?.() ?? null;
  const none: SideSummary = {
    tool: w.tilecast.tool,
    runs: 0,
    wallS: 0,
    cpuS: 0,
    peakRssMb: 0,
    throughput: 0,
    spread: [0, 0],
    rssSpread: [0, 0],
  };
  if (why) return { ...base, tilecast: none, reference: null, ratio: null, met: null, skipped: why };
  const t0 = performance.now();
  w.setup?.();
  const setupSeconds = (performance.now() - t0) / 1000;
  try {
    const sides = [w.tilecast, ...(w.reference ? [w.reference] : [])];
    const runs = quick ? 1 : (w.runs ?? 3);
    // A shared side whose records exist already is not run again.
    // Its throughput is read again from each run's JSON line: rows may report different fields.
    const reused = sides.map((s) =>
      s.share
        ? sharedRecords.get(s.share)?.map((r) => (s.field ? { ...r, throughput: Number(r.line?.[s.field]) } : r))
        : undefined,
    );
    const fresh = sides.filter((_, k) => reused[k] === undefined);
    if (w.warmup !== false && !quick) for (const s of fresh) timed(s); // warm-up: page cache, disk
    const records = sides.map((_, k) => reused[k] ?? ([] as RunRecord[]));
    for (let i = 0; i < runs; i++) sides.forEach((s, k) => reused[k] === undefined && records[k]?.push(timed(s)));
    sides.forEach(
      (s, k) => s.share && reused[k] === undefined && sharedRecords.set(s.share, records[k] as RunRecord[]),
    );
    const summary = (k: number) => ({
      ...summarize(sides[k]?.tool as string, records[k] as RunRecord[]),
      ...(reused[k] ? { shared: true } : {}),
    });
    const tilecast = summary(0);
    const reference = w.reference ? summary(1) : null;
    const memory = w.target?.memory ?? false;
    const ratio = reference
      ? memory
        ? tilecast.peakRssMb / reference.peakRssMb
        : tilecast.throughput / reference.throughput
      : null;
    const t = w.target;
    const bounded = t !== undefined && (t.min !== undefined || t.max !== undefined);
    const met =
      bounded && ratio !== null
        ? (t.min === undefined || ratio >= t.min) && (t.max === undefined || ratio <= t.max)
        : null;
    const seconds = (performance.now() - t0) / 1000;
    return { ...base, tilecast, reference, ratio, met, seconds, setupSeconds };
  } finally {
    w.cleanup?.();
  }
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** One table row per workload. */
export function printOutcome(o: Outcome): void {
  if (o.skipped) return void console.log(`${o.name.padEnd(52)} skipped: ${o.skipped}`);
  const side = (s: SideSummary, memory: boolean) =>
    memory
      ? `${s.tool} ${fmt(s.peakRssMb)} MB [${fmt(s.rssSpread[0])}-${fmt(s.rssSpread[1])}]`
      : `${s.tool} ${fmt(s.throughput)} ${o.unit} [${fmt(s.spread[0])}-${fmt(s.spread[1])}], ${fmt(s.peakRssMb)} MB${s.shared ? " (runs above)" : ""}`;
  const memory = o.target?.memory ?? false;
  const goal =
    o.target?.min !== undefined
      ? `>= ${+o.target.min.toFixed(2)}`
      : o.target?.max !== undefined
        ? `<= ${+o.target.max.toFixed(2)}`
        : "";
  const verdict = o.met === null ? "" : o.met ? "met" : "MISSED";
  console.log(
    `${o.name.padEnd(52)} ${side(o.tilecast, memory)}${o.reference ? ` | ${side(o.reference, memory)}` : ""}${o.ratio !== null ? ` | ratio ${o.ratio.toFixed(2)} ${goal} ${verdict}` : ""}${o.seconds !== undefined ? ` (${o.seconds.toFixed(0)} s)` : ""}`,
  );
}

/** Run the workloads selected by `argv`; write the results; resolve to the exit code. */
export async function main(workloads: Workload[], argv: string[]): Promise<number> {
  const quick = argv.includes("--quick");
  const check = argv.includes("--check");
  const groups = argv.filter((a) => !a.startsWith("--"));
  // --only=TEXT: just the workloads whose name holds TEXT (a rerun of some rows).
  const only = argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
  const chosen = workloads.filter(
    (w) => (groups.length === 0 || groups.includes(w.group)) && (!quick || w.quick) && (!only || w.name.includes(only)),
  );
  const t0 = performance.now();
  const outcomes: Outcome[] = [];
  console.log(`${chosen.length} workloads${quick ? " (quick)" : ""}; tilecast | reference | ratio tilecast/reference`);
  for (const w of chosen) {
    try {
      const o = runWorkload(w, quick);
      printOutcome(o);
      outcomes.push(o);
    } catch (e) {
      const o = { group: w.group, name: w.name, unit: w.unit, skipped: `failed: ${(e as Error).message}` } as Outcome;
      printOutcome(o);
      outcomes.push(o);
    }
  }
  const date = new Date().toISOString().slice(0, 10);
  // A partial run (some groups) never overwrites the full one of the day.
  const part = [...groups, ...(only ? [`only-${only.replace(/[^\w.-]+/g, "_")}`] : [])];
  const base = `bench/results/${date}-${hostname()}${part.length > 0 ? `-${part.join("-")}` : ""}${quick ? "-quick" : ""}`;
  // A second run of the same groups the same day gets -2, -3, ...: no earlier result is overwritten.
  let file = base;
  for (let n = 2; existsSync(`${file}.json`); n++) file = `${base}-${n}`;
  mkdirSync("bench/results", { recursive: true });
  const minutes = (performance.now() - t0) / 60_000;
  writeFileSync(
    `${file}.json`,
    `${JSON.stringify({ date, host: hostname(), quick, minutes, glibcTunables: TUNABLES, outcomes }, null, 1)}\n`,
  );
  const { plotOutcomes } = await import("./plot.js");
  await plotOutcomes(outcomes, `${file}.png`);
  const missed = outcomes.filter((o) => o.met === false);
  console.log(`\n${file}.json and .png written in ${minutes.toFixed(1)} min; ${missed.length} target(s) missed`);
  return check && missed.length > 0 ? 1 : 0;
}
