/**
 * A flag that does not apply to what a command was asked to do is refused in one line, exit 2,
 * before anything is written: before, `run --wait 10m` without `--cycle` waited for nothing,
 * `run --cycle T --output-root DIR` wrote outside DIR, `forecast` knew no output root at all
 * (TILECAST_OUTPUT_ROOT included), `status --runs D --last 3` dropped `--last`, counts of 0
 * (`--concurrency 0`, `--tiles 0`, `--shards 0`) ran as the default or as nothing, `serve --port
 * 99999` was an internal error that never exited, and `--wait 10x` was an internal error.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { tilecast, tilecastWithin } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

const ndvi = "pipelines/scene-ndvi.yaml";
const scene = resolve("fixtures/demo/scene.s2like.u16.4b.tif");
const cycle = ["--cycle", "2020-01-01T00:00Z"];

const usage = (args: string[], line: string) => {
  const r = tilecastWithin(60_000, ...args);
  expect([r.code, r.stderr, r.stdout], args.join(" ")).toStrictEqual([2, `tilecast: ${line}\n`, ""]);
};

describe("flags that do not apply", () => {
  it("run refuses the other kind of run's flags, and writes nothing", () => {
    const dir = tmp("flag-scope-run");
    mkdirSync(dir);
    const out = ["--set", `input.path=${scene}`, "--set", `output.path=${join(dir, "ndvi.tif")}`];
    const state = ["--state", join(dir, "state")];
    usage(["run", ndvi, ...out, "--wait", "10m"], "--wait is for --cycle runs");
    usage(["run", ndvi, ...out, ...state], "--state is for --cycle runs");
    usage(["run", ndvi, ...out, "--retries", "2"], "--retries is for --cycle runs");
    usage(["run", ndvi, ...out, "--force"], "--force is for --resume and --shard runs (a plain run starts over)");
    usage(["run", ndvi, ...out, ...cycle, ...state, "--resume"], "--resume is for runs without --cycle");
    usage(["run", ndvi, ...out, ...cycle, ...state, "--shard", "0/2"], "--shard is for runs without --cycle");
    usage(
      ["run", ndvi, ...out, ...cycle, ...state, "--log-format", "json"],
      "--log-format is for runs without --cycle",
    );
    usage(
      ["run", ndvi, ...out, ...cycle, ...state, "--wait", "10x"],
      "--wait: '10x' is not a duration (e.g. 90s, 10m, 2h)",
    );
    expect(readdirSync(dir)).toStrictEqual([]);
  });

  it("run --json prints the summary; run --cycle keeps the output root", () => {
    const dir = tmp("flag-scope-json");
    mkdirSync(join(dir, "root"), { recursive: true });
    const ok = tilecast(
      "run",
      ndvi,
      "--set",
      `input.path=${scene}`,
      "--set",
      `output.path=${join(dir, "a.tif")}`,
      "--json",
      "-q",
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ output: join(dir, "a.tif"), width: 512, height: 512 });

    const outside = join(dir, "outside.tif");
    const set = ["--set", `input.path=${scene}`, "--set", `output.path=${outside}`];
    const r = tilecast(
      "run",
      ndvi,
      ...set,
      ...cycle,
      "--state",
      join(dir, "state"),
      "--output-root",
      join(dir, "root"),
      "--json",
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "failed" });
    expect(JSON.parse(r.stdout).error).toContain(`output.path ${outside} is outside the output root`);
    expect(existsSync(outside)).toBe(false);
  });

  it("forecast takes an output root and refuses --until before --cycle", () => {
    const dir = tmp("flag-scope-forecast");
    mkdirSync(join(dir, "root"), { recursive: true });
    const store = join(dir, "nowcast.zarr");
    const args = [
      "forecast",
      "pipelines/radar-nowcast.yaml",
      "--cycle",
      "2010-08-26T06:00Z",
      "--set",
      `output.path=${store}`,
    ];
    const r = tilecast(...args, "--output-root", join(dir, "root"));
    expect([r.code, r.stderr]).toStrictEqual([
      2,
      `tilecast: pipelines/radar-nowcast.yaml: output.path ${store} is outside the output root ${join(dir, "root")} (it resolves to ${store})\n`,
    ]);
    usage(
      [...args, "--until", "2010-08-26T05:00Z"],
      "pipelines/radar-nowcast.yaml: --until 2010-08-26T05:00Z is before --cycle 2010-08-26T06:00Z",
    );
    // The flag that is not a time is named, with its text (it said "(T, undefined; ...)").
    usage(
      [...args, "--until", "2010-08-26T25:00Z"],
      "--until '2010-08-26T25:00Z' is not an ISO 8601 time (e.g. 2026-11-21T12:00Z, UTC without a zone)",
    );
    expect(existsSync(store)).toBe(false);
  });

  it("train refuses --resume with --force, which would discard what it resumes", () => {
    usage(
      // Outputs in a scratch directory: a command that ignored the clash would train there, not over the shipped model.
      [
        "train",
        "pipelines/scene-seg-train.yaml",
        "--resume",
        "--force",
        ...["--set", `train.output=${tmp("m")}`],
        ...["--set", `train.checkpoints=${tmp("c")}`],
      ],
      "--resume continues from the last checkpoint and --force deletes it: give one",
    );
  });

  it("status, counts of nothing, ports, levels", () => {
    usage(["status", "--runs", ".", "--last", "3"], "--last is for --state (the cycles)");
    usage(["status", "--state", ".", "--queue", "q"], "--queue is for --redis (the queue)");
    const zero = (cmd: string[], flag: string, what: string) =>
      usage(
        [...cmd, flag, "0"],
        `option '${flag} <${what}>' argument '0' is invalid. ${flag} must be a positive integer`,
      );
    zero(["worker", "--redis", "redis://127.0.0.1:1"], "--concurrency", "n");
    zero(["worker", "--redis", "redis://127.0.0.1:1"], "--lock-ms", "ms");
    zero(["preview", ndvi, "--out", "x.png"], "--tiles", "n");
    zero(["submit", ndvi, "--redis", "redis://127.0.0.1:1"], "--shards", "n");
    zero(["evaluate", scene, scene], "--classes", "n");
    zero(["convert", scene, join(tmp("c"), "c.tif")], "--concurrency", "C");
    zero(["convert", scene, join(tmp("c"), "c.tif")], "--tile", "N");
    usage(
      ["serve", "--root", ".", "--port", "99999"],
      "option '--port <n>' argument '99999' is invalid. --port must be a port, 0 to 65535",
    );
    const out = tmp("none.tif");
    usage(
      ["convert", scene, out, "--compress", "none", "--level", "3"],
      `${out}: a level is for deflate and zstd; uncompressed tiles have none`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("serve says when its root is not there or its port is taken, and exits", async () => {
    const missing = join(tmp("serve-root"), "nope");
    const r = tilecastWithin(30_000, "serve", "--root", missing);
    expect([r.code, r.stderr]).toStrictEqual([1, `tilecast: ${missing}: --root: no such directory\n`]);
    const taken = createServer();
    await new Promise<void>((ok) => taken.listen(0, "127.0.0.1", ok));
    const { port } = taken.address() as { port: number };
    try {
      usage(["serve", "--root", ".", "--port", String(port)], `127.0.0.1:${port}: the port is in use`);
    } finally {
      taken.close();
    }
  });
});
