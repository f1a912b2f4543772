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
