/**
 * `tilecast prune`: Redis keeps every finished job (about 1 KB each) so that a submission again
 * queues only what is new, and nothing removed them. Pruning removes the completed jobs (and with
 * `--failed` the failed ones) that finished longer ago than `--older-than`, a batch at a time; a
 * pruned scene submitted again is queued again.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneJobs, queueStatus, type SceneJob, submitScenes } from "../../src/ops/queue.js";
import { connection } from "../../src/ops/redis.js";
import { tilecast } from "../helpers/cli.js";
import { hasRedis, type RedisServer, startRedis, until } from "../helpers/redis.js";
import { tmp } from "../helpers/write.js";

let redis: RedisServer | null = null;

beforeAll(async () => {
  if (hasRedis) redis = await startRedis();
});

afterAll(() => redis?.stop());

describe.skipIf(!hasRedis)("pruning finished jobs", () => {
  it("removes completed jobs older than asked, failed ones only with --failed, past one batch", async () => {
    const url = (redis as RedisServer).url;
    const dir = join(dirname(tmp("x")), "prune");
    mkdirSync(join(dir, "s"), { recursive: true });
    const pipeline = join(dir, "p.yaml");
    writeFileSync(
      pipeline,
      "name: tiny\ninput: {path: a.tif}\ntiling: {size: 32}\nnormalize: {method: none}\nmodel: {type: identity}\noutput: {path: out/{scene}.tif, dtype: float32}\n",
    );
    const N = 1500; // more than one batch of 1000 completed
    const scenes = Array.from({ length: N }, (_, i) => join(dir, "s", `s${i}.tif`));
    for (const s of scenes) writeFileSync(s, "");
    const o = { redis: url, queue: "prune", attempts: 1 };
    expect((await submitScenes(pipeline, scenes, o)).submitted).toBe(N);
    // Scene i fails when i % 10 is 0 (150), completes otherwise (1350), its output the scene.
    const w = new Worker<SceneJob>(
      "prune",
      async (job) => {
        if (/s(\d+)0\.tif$|\/s0\.tif$/.test(job.data.scene)) throw new Error("failed on purpose");
        return { output: job.data.scene };
      },
      { connection: connection(url), concurrency: 50 },
    );
    const settled = await until(async () => {
      const c = await queueStatus(o);
      return c.completed === 1350 && c.failed === 150;
    }, 60_000);
    await w.close();
    expect(settled).toBe(true);

    const prune = (...flags: string[]) => tilecast("prune", "--redis", url, "--queue", "prune", ...flags);
    // Nothing finished an hour ago.
    const none = prune("--older-than", "1h");
    expect([none.code, none.stdout]).toStrictEqual([0, "removed 0 completed jobs finished over 1h ago\n"]);
    await new Promise((r) => setTimeout(r, 50));
    const done = prune("--older-than", "10ms", "--json");
    expect([done.code, JSON.parse(done.stdout)]).toStrictEqual([0, { completed: 1350, failed: 0 }]);
    const c = await queueStatus(o);
    expect([c.completed, c.failed]).toStrictEqual([0, 150]);
    expect(await pruneJobs({ ...o, olderThanMs: 0, failed: true })).toStrictEqual({ completed: 0, failed: 150 });

    // Pruned scenes are new to a submission again.
    expect((await submitScenes(pipeline, scenes, o)).submitted).toBe(N);
    const bad = prune("--older-than", "soon");
    expect([bad.code, bad.stderr.trim()]).toStrictEqual([
      2,
      "tilecast: --older-than: 'soon' is not a duration (e.g. 12h, 30d)",
    ]);
  }, 120_000);
});
