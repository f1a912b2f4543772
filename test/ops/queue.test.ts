/**
 * The scene queue on a real Redis (Debian's redis-server on a loopback port): three worker
 * processes, one killed with SIGKILL mid-run; every scene ends completed once, its output the same
 * bytes as a direct run; resubmitting queues nothing; the event loop stays free during jobs
 * (resubmit.test.ts: what submitting again queues).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { basename, dirname, join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connection, queueStatus, redactUrl, submitScenes } from "../../src/ops/queue.js";
import { createOpsServer } from "../../src/ops/serve/server.js";
import { tilecast } from "../helpers/cli.js";
import { py } from "../helpers/gdal.js";
import { hasRedis, type RedisServer, startRedis, until } from "../helpers/redis.js";
import { tmp } from "../helpers/write.js";

const BIN = "bin/tilecast.js";
let redis: RedisServer | null = null;
let URL = "";
let PORT = 0;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  if (!hasRedis) return;
  redis = await startRedis();
  URL = redis.url;
  PORT = redis.port;
});

afterAll(() => {
  for (const w of workers) w.kill("SIGKILL");
  redis?.stop();
});

describe.skipIf(!hasRedis)("the scene queue on Redis", () => {
  it("three workers, one killed holding a scene: every scene completes, as a direct run writes it", async () => {
    const dir = dirname(tmp("x"));
    mkdirSync(join(dir, "scenes"));
    const scenes = Array.from({ length: 6 }, (_, i) => {
      const s = join(dir, "scenes", `s${i}.tif`);
      copyFileSync("fixtures/demo/scene.s2like.u16.4b.tif", s);
      return s;
    });
    const sets = [`output.path=${dir}/out/{scene}.tif`, `output.quicklook=${dir}/out/{scene}.png`];
    // BullMQ renews a job's lock every half of its duration, so a worker keeps its locks while its
    // event loop is never blocked for longer than that. The first worker's lock is short, so the
    // scene it dies holding comes back soon; the others' is longer, for room on a loaded machine.
    const lockMs = new Map<number, number>();
    const worker = (lock: number) => {
      const w = spawn(process.execPath, [BIN, "worker", "--redis", URL, "--lock-ms", String(lock)]);
      workers.push(w);
      if (w.pid !== undefined) lockMs.set(w.pid, lock);
      return w;
    };
    const first = worker(2000);
    const sub = tilecast(
      "submit",
      "pipelines/scene-water.yaml",
      ...scenes,
      "--redis",
      URL,
      ...sets.flatMap((s) => ["--set", s]),
    );
    expect(sub.stderr).toBe("");
    expect(sub.stdout).toBe("queued 6 new scenes of 6\n");
    // The first worker dies (SIGKILL) holding a scene; two others start.
    const q = new Queue("tilecast", { connection: connection(URL) });
    expect(await until(async () => (await q.getActiveCount()) > 0, 30_000)).toBe(true);
    const held = (await q.getActive())[0]?.id;
    expect(held).toBeDefined();
    first.kill("SIGKILL");
    worker(6000);
    worker(6000);
    const done = await until(async () => (await queueStatus({ redis: URL })).completed === 6, 120_000);
    expect(done).toBe(true);
    const counts = await queueStatus({ redis: URL });
    expect(counts.failed).toBe(0);
    const jobs = await q.getJobs(["completed"]);
    await q.close();
    expect(jobs.map((j) => j.data.scene).sort()).toStrictEqual([...scenes].sort());
    // A direct run of one scene: every queued output has its pixels and georeferencing (blocks
    // land in the order they finish, so the file's layout may differ).
    const ref = join(dir, "ref.tif");
    const direct = tilecast(
      "run",
      "pipelines/scene-water.yaml",
      "--set",
      `input.path=${scenes[0]}`,
      "--set",
      `output.path=${ref}`,
      "--set",
      `output.quicklook=${ref}.png`,
      "-q",
    );
    expect(direct.code).toBe(0);
    // The scene the dead worker held came back (its lock expired) and another worker finished it.
    const recovered = jobs.find((j) => j.id === held);
    expect(recovered?.returnvalue.worker).not.toBe(String(first.pid));
    for (const j of jobs) {
      const name = basename(j.data.scene as string, ".tif");
      expect(j.returnvalue.output).toBe(join(dir, "out", `${name}.tif`));
      const lock = lockMs.get(Number(j.returnvalue.worker));
      expect(lock).toBeDefined();
      expect(j.returnvalue.loopDelayMaxMs).toBeLessThan((lock as number) / 2); // its lock never lapsed
    }
    const same = py<boolean[]>(`
from osgeo import gdal
ref = gdal.Open("${ref}")
out = []
for i in range(6):
    d = gdal.Open("${dir}/out/s%d.tif" % i)
    out.append(bool(np.array_equal(d.ReadAsArray(), ref.ReadAsArray()) and d.GetGeoTransform() == ref.GetGeoTransform() and d.GetProjection() == ref.GetProjection()))
print(json.dumps(out))`);
    expect(same).toStrictEqual([true, true, true, true, true, true]);
    // Submitting the same scenes again queues nothing.
    const again = await submitScenes("pipelines/scene-water.yaml", scenes, { redis: URL, sets });
    expect(again.submitted).toBe(0);
    const status = tilecast("status", "--redis", URL, "--json");
    expect(JSON.parse(status.stdout)).toMatchObject({ completed: 6, failed: 0, waiting: 0, active: 0 });
  }, 180_000);

  it("SIGTERM lets a worker finish the scene in flight, then exit 143", async () => {
    const dir = dirname(tmp("x"));
    const scene = join(dir, "late.tif");
    copyFileSync("fixtures/demo/scene.s2like.u16.4b.tif", scene);
    const sets = [`output.path=${dir}/{scene}.out.tif`, `output.quicklook=${dir}/{scene}.png`];
    // The URL from the environment, as a deployment keeps a password off the command line.
    const w = spawn(process.execPath, [BIN, "worker", "--queue", "graceful"], {
      env: { ...process.env, TILECAST_REDIS_URL: URL },
    });
    workers.push(w);
    const exited = new Promise<number | null>((r) => w.on("exit", (code) => r(code)));
    await submitScenes("pipelines/scene-water.yaml", [scene], { redis: URL, queue: "graceful", sets });
    const q = new Queue("graceful", { connection: connection(URL) });
    expect(await until(async () => (await q.getActiveCount()) > 0, 30_000)).toBe(true);
    w.kill("SIGTERM");
    expect(await exited).toBe(143);
    expect(await q.getJobCounts("completed", "active", "waiting")).toMatchObject({
      completed: 1,
      active: 0,
      waiting: 0,
    });
    await q.close();
    expect(existsSync(join(dir, "late.out.tif"))).toBe(true);
  }, 60_000);

  it("one output as shard jobs: two workers run them, the last to finish commits it, as one run writes it", async () => {
    const dir = dirname(tmp("x"));
    const sets = [
      ...[`output.path=${dir}/seg.tif`, `output.classes=${dir}/seg.classes.tif`, `output.quicklook=${dir}/seg.png`],
      ...["tiling.parts.width=64", "tiling.parts.height=64", "output.block=64"],
    ];
    const flags = sets.flatMap((x) => ["--set", x]);
    const sub = tilecast(
      "submit",
      "pipelines/scene-seg.yaml",
      "--shards",
      "3",
      "--queue",
      "shards",
      "--redis",
      URL,
      ...flags,
    );
    expect(sub.stdout).toBe("queued 3 new shard jobs of 3\n");
    for (let i = 0; i < 2; i++)
      workers.push(spawn(process.execPath, [BIN, "worker", "--redis", URL, "--queue", "shards"]));
    const q = new Queue("shards", { connection: connection(URL) });
    expect(await until(async () => (await q.getJobCounts("completed")).completed === 3, 120_000)).toBe(true);
    expect((await q.getJobCounts("failed")).failed).toBe(0);
    await q.close();
    expect(existsSync(`${dir}/seg.tif.parts`)).toBe(false);
    const ref = join(dir, "ref");
    const direct = tilecast(
      "run",
      "pipelines/scene-seg.yaml",
      "-q",
      ...flags,
      "--set",
      `output.path=${ref}.tif`,
      "--set",
      `output.classes=${ref}.classes.tif`,
      "--set",
      `output.quicklook=${ref}.png`,
    );
    expect(direct.code, direct.stderr).toBe(0);
    const same = py<boolean[]>(`
from osgeo import gdal
out = []
for a, b in [("${dir}/seg.tif", "${ref}.tif"), ("${dir}/seg.classes.tif", "${ref}.classes.tif")]:
    x, y = gdal.Open(a), gdal.Open(b)
    out.append(bool(np.array_equal(x.ReadAsArray(), y.ReadAsArray(), equal_nan=True) and x.GetGeoTransform() == y.GetGeoTransform()))
print(json.dumps(out))`);
    expect(same).toStrictEqual([true, true]);
  }, 150_000);

  it("a password in the URL reaches Redis but never a printed line", () => {
    expect(connection("redis://ops:s3cret@db.example:6380/2")).toMatchObject({
      host: "db.example",
      port: 6380,
      db: 2,
      username: "ops",
      password: "s3cret",
    });
    expect(redactUrl("redis://ops:s3cret@db.example:6380/2")).toBe("redis://ops:***@db.example:6380/2");
    const r = tilecast("status", "--redis", "http://ops:s3cret@x");
    expect(r.stderr).toContain("is not a redis:// URL");
    expect(r.stderr).not.toContain("s3cret");
  });

  it("the ops page's /api/queue counts the queue's jobs and never shows the password", async () => {
    const acl = spawnSync("redis-cli", [
      "-p",
      String(PORT),
      "ACL",
      "SETUSER",
      "ops",
      "on",
      ">s3cret",
      "~*",
      "&*",
      "+@all",
    ]);
    expect(acl.stdout.toString().trim()).toBe("OK");
    const url = `redis://ops:s3cret@127.0.0.1:${PORT}`;
    const before = await queueStatus({ redis: url });
    const q = new Queue("tilecast", { connection: connection(url) });
    const held = await Promise.all(["a", "b"].map((n) => q.add(n, {}, { delay: 3_600_000 }))); // no worker takes these
    const server = createOpsServer({ root: dirname(tmp("x")), redis: url });
    try {
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      const port = (server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/api/queue`);
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text).not.toContain("s3cret");
      const body = JSON.parse(text) as { redis: string; counts: Record<string, number> };
      expect(body.redis).toBe(`redis://ops:***@127.0.0.1:${PORT}`);
      expect(body.counts.delayed).toBe((before.delayed ?? 0) + 2);
      expect(body.counts.waiting).toBe(before.waiting);
    } finally {
      server.close();
      await Promise.all(held.map((j) => j.remove()));
      await q.close();
    }
  });

  it("a bad pipeline or URL is refused before anything is queued", async () => {
    const r = tilecast("submit", "pipelines/missing.yaml", "a.tif", "--redis", URL);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^tilecast: .*missing.yaml: cannot read pipeline file/);
    expect(tilecast("status", "--redis", "http://x").stderr).toContain("--redis: 'http://x' is not a redis:// URL");
  });
});
