/**
 * Submitting thousands of scenes, on a real Redis with a real BullMQ worker: jobs are looked up
 * and added a batch at a time (1000), not three round trips a scene one after the other. Across
 * batch boundaries every scene is one job, a scene named twice is one job, and a second
 * submission queues exactly the jobs that failed or whose output is gone.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Queue, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueStatus, type SceneJob, submitScenes, submitShards } from "../../src/ops/queue.js";
import { connection } from "../../src/ops/redis.js";
import { hasRedis, type RedisServer, startRedis, until } from "../helpers/redis.js";
import { tmp } from "../helpers/write.js";

let redis: RedisServer | null = null;

beforeAll(async () => {
  if (hasRedis) redis = await startRedis();
});

afterAll(() => redis?.stop());

const N = 2345;

describe.skipIf(!hasRedis)("a submission of thousands of scenes", () => {
  it("queues each scene once across batches, and again only those that failed or lost their output", async () => {
    const url = (redis as RedisServer).url;
    const dir = join(dirname(tmp("x")), "batches");
    mkdirSync(join(dir, "s"), { recursive: true });
    const pipeline = join(dir, "p.yaml");
    writeFileSync(
      pipeline,
      "name: tiny\ninput: {path: a.tif}\ntiling: {size: 32}\nnormalize: {method: none}\nmodel: {type: identity}\noutput: {path: out/{scene}.tif, dtype: float32}\n",
    );
    // Scenes are only looked at (stat) when submitted: empty files do.
    const scenes = Array.from({ length: N }, (_, i) => join(dir, "s", `s${i}.tif`));
    for (const s of scenes) writeFileSync(s, "");
    const o = { redis: url, queue: "batches", attempts: 1 };
    // Scene 1500 named twice in one batch.
    const list = [...scenes.slice(0, 1600), scenes[1500] as string, ...scenes.slice(1600)];
    const first = await submitScenes(pipeline, list, o);
    expect(first).toStrictEqual({ submitted: N, queued: N + 1, failedAgain: 0, outputGone: 0 });
    expect((await queueStatus(o)).waiting).toBe(N);
    const q = new Queue<SceneJob>("batches", { connection: connection(url) });
    const jobs = await q.getJobs(["waiting"], 0, N);
    expect(new Set(jobs.map((j) => j.data.scene))).toStrictEqual(new Set(scenes));
    await q.close();

    // A worker: scene i fails when i % 3 is 0, completes with an output that is not there when
    // it is 1, and with one that is (the scene itself) when it is 2.
    const index = (scene: string) => Number(/s(\d+)\.tif$/.exec(scene)?.[1]);
    const w = new Worker<SceneJob>(
      "batches",
      async (job) => {
        const i = index(job.data.scene);
        if (i % 3 === 0) throw new Error("failed on purpose");
        return { output: i % 3 === 1 ? join(dir, "gone.tif") : job.data.scene };
      },
      { connection: connection(url), concurrency: 50 },
    );
    const third = (r: number) => Array.from({ length: N }, (_, i) => i).filter((i) => i % 3 === r).length;
    const done = await until(async () => {
      const c = await queueStatus(o);
      return c.failed === third(0) && c.completed === N - third(0);
    }, 60_000);
    await w.close();
    expect(done).toBe(true);

    const again = await submitScenes(pipeline, scenes, o);
    expect(again).toStrictEqual({
      submitted: third(0) + third(1),
      queued: N,
      failedAgain: third(0),
      outputGone: third(1),
    });
    const c = await queueStatus(o);
    expect([c.waiting, c.completed, c.failed]).toStrictEqual([third(0) + third(1), third(2), 0]);
    expect(await submitScenes(pipeline, scenes, o)).toMatchObject({ submitted: 0, queued: N });
  }, 120_000);

  it("queues shard jobs across batches once", async () => {
    const url = (redis as RedisServer).url;
    const o = { redis: url, queue: "shards" };
    const dir = join(dirname(tmp("x")), "shards");
    mkdirSync(dir);
    const pipeline = join(dir, "p.yaml");
    writeFileSync(
      pipeline,
      `name: tiny\ninput: {path: ${join(process.cwd(), "fixtures/scene-seg/test.s2like.u16.4b.tif")}}\ntiling: {size: 32}\nnormalize: {method: none}\nmodel: {type: identity}\noutput: {path: ${dir}/out.tif, dtype: float32}\n`,
    );
    expect(await submitShards(pipeline, 1200, o)).toMatchObject({ submitted: 1200, queued: 1200 });
    expect(await submitShards(pipeline, 1200, o)).toMatchObject({ submitted: 0, queued: 1200 });
    const q = new Queue<SceneJob>("shards", { connection: connection(url) });
    const jobs = await q.getJobs(["waiting"], 0, 1200);
    await q.close();
    expect(jobs.map((j) => j.data.shard?.index).sort((a, b) => (a ?? 0) - (b ?? 0))).toStrictEqual(
      Array.from({ length: 1200 }, (_, i) => i),
    );
  });
});
