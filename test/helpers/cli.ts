/** Run the built `tilecast` command as a user would (npm test builds dist/ first). */
import { spawn, spawnSync } from "node:child_process";

export const BIN = "bin/tilecast.js";

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function tilecast(...args: string[]): Run {
  return tilecastWithin(0, ...args);
}

/** As {@link tilecast}, killed after `ms` (0: never): a command that hangs gives code null. */
export function tilecastWithin(ms: number, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", ...(ms ? { timeout: ms } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start tilecast, send `signal` after `ms`, and resolve when it exits. */
export function interrupt(
  ms: number,
  signal: NodeJS.Signals,
  ...args: string[]
): Promise<Run & { signalled: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let stdout = "";
    let stderr = "";
    let signalled = false;
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      signalled = child.kill(signal);
    }, ms);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, signalled });
    });
  });
}
