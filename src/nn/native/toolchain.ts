/**
 * The build tools `tilecast native build` drives: a command run with a one-line error, npm's
 * own node-gyp, and Node's installed headers.
 *
 * Internal (not exported from the package).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { TilecastError } from "../../errors.js";

/** Run `cmd`; its stdout, or an error naming `what` and the first error lines it printed. */
export function run(cmd: string, args: string[], cwd: string, what: string): string {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ""}\n${r.stderr ?? ""}`.trim().split("\n");
    const problem = out.filter((l) => /error|ERR!|fatal/i.test(l)).slice(0, 3);
    throw new TilecastError(
      "E_UNSUPPORTED",
      `${what} failed (${r.error?.message ?? (problem.length > 0 ? problem : out.slice(-2)).join(" | ")})`,
    );
  }
  return r.stdout;
}

/** npm's own node-gyp (every npm carries one), or null. */
export function nodeGyp(): string | null {
  const candidates = [
    join(
      dirname(process.execPath),
      "..",
      "lib",
      "node_modules",
      "npm",
      "node_modules",
      "node-gyp",
      "bin",
      "node-gyp.js",
    ),
    join(dirname(process.execPath), "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** Node's own headers, installed beside the executable (Debian's nodejs-dev, the official tarball). */
export function nodeDir(): string | null {
  const dir = resolve(dirname(process.execPath), "..");
  return existsSync(join(dir, "include", "node", "node_api.h")) ? dir : null;
}
