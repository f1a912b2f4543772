/** Run a command under GNU time and return its wall time (s) and peak RSS (MB). */
import { spawnSync } from "node:child_process";

export interface Measurement {
  wallS: number;
  peakRssMb: number;
}

export function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Measurement {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", cmd, ...args], { encoding: "utf8", env });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr.slice(-500)}`);
  const last = r.stderr.trim().split("\n").at(-1) ?? "";
  const [wall, kb] = last.split(" ").map(Number);
  return { wallS: wall ?? Number.NaN, peakRssMb: (kb ?? Number.NaN) / 1024 };
}

/** Several runs of one command: the median wall time, its spread, and the largest peak RSS. */
export interface Runs {
  wallS: number;
  minS: number;
  maxS: number;
  peakRssMb: number;
  runs: number;
}

/** The number of runs per command in comparisons (TILECAST_BENCH_RUNS, default 5). */
export const RUNS = Math.max(1, Number(process.env.TILECAST_BENCH_RUNS ?? 5) || 5);

/**
 * Run each command `runs` times, taking turns (a, b, a, b, ...) so that a slow spell of the
 * machine falls on both, and summarize each by its median: one run each is too noisy on a
 * shared 2-core machine (single-run ratios here spread by +-25%).
 */
export function measureAlternating(commands: readonly [string, string[]][], runs = RUNS): Runs[] {
  const walls = commands.map(() => [] as number[]);
  const rss = commands.map(() => 0);
  for (let r = 0; r < runs; r++) {
    commands.forEach(([cmd, args], i) => {
      const m = measure(cmd, args);
      walls[i]?.push(m.wallS);
      rss[i] = Math.max(rss[i] ?? 0, m.peakRssMb);
    });
  }
  return walls.map((w, i) => {
    const s = [...w].sort((a, b) => a - b);
    const mid = s.length >> 1;
    const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
    return { wallS: median, minS: s[0] as number, maxS: s.at(-1) as number, peakRssMb: rss[i] as number, runs };
  });
}
