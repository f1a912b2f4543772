import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock, BREAKER_STALE_MS, isStale, readLock } from "../../src/ops/lock.js";
import { tmp } from "../helpers/write.js";

/** A pid no process has: a child that has already exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid as number;

const fake = (path: string, o: { pid: number; host?: string; heartbeat?: string }) =>
  writeFileSync(
    path,
    JSON.stringify({
      pid: o.pid,
      host: o.host ?? hostname(),
      owner: "someone",
      acquired: "2026-01-01T00:00:00.000Z",
      heartbeat: o.heartbeat ?? new Date().toISOString(),
    }),
  );

describe("pipeline locks", () => {
  it("one holder at a time; release frees it", async () => {
    const path = tmp("a.lock");
    const a = await acquireLock(path);
    expect(a?.info.pid).toBe(process.pid);
    expect(await acquireLock(path)).toBeNull();
    await a?.release();
    expect(existsSync(path)).toBe(false);
    const b = await acquireLock(path);
    expect(b).not.toBeNull();
    await b?.release();
  });

  it("a lock left by a dead process on this host is taken over", async () => {
    const path = tmp("dead.lock");
    fake(path, { pid: deadPid() });
    const l = await acquireLock(path);
    expect(l?.info.pid).toBe(process.pid);
    expect((await readLock(path))?.owner).toBe(l?.info.owner);
    await l?.release();
  });

  it("another host's lock is stale only when its heartbeat is older than staleMs", async () => {
    const path = tmp("remote.lock");
    fake(path, { pid: 1, host: "elsewhere", heartbeat: new Date(Date.now() - 5000).toISOString() });
    expect(await acquireLock(path, { staleMs: 60_000 })).toBeNull();
    const l = await acquireLock(path, { staleMs: 1000 });
    expect(l).not.toBeNull();
    await l?.release();
    expect(isStale(null, 1000)).toBe(true);
  });

  it("the holder's heartbeat keeps its lock fresh", async () => {
    const path = tmp("beat.lock");
    const l = await acquireLock(path, { staleMs: 300, heartbeatMs: 50 });
    const first = (await readLock(path))?.heartbeat as string;
    await new Promise((r) => setTimeout(r, 400));
    const later = (await readLock(path))?.heartbeat as string;
    expect(Date.parse(later)).toBeGreaterThan(Date.parse(first));
    expect(isStale(await readLock(path), 300)).toBe(false);
    await l?.release();
  });

  it("of many takers racing for a stale lock, exactly one wins (40 rounds)", async () => {
    const dead = deadPid();
    for (let round = 0; round < 40; round++) {
      const path = tmp(`race-${round}.lock`);
      fake(path, { pid: dead });
      const got = await Promise.all(Array.from({ length: 8 }, () => acquireLock(path)));
      const winners = got.filter((g) => g !== null);
      expect(winners).toHaveLength(1);
      expect(JSON.parse(readFileSync(path, "utf8")).owner).toBe(winners[0]?.info.owner);
      await winners[0]?.release();
    }
  });

  it("of processes racing for a stale lock, exactly one wins", async () => {
    const path = tmp("race-procs.lock");
    fake(path, { pid: deadPid() });
    const script = `import { acquireLock } from ${JSON.stringify(resolve("src/ops/lock.ts"))};
      const l = await acquireLock(${JSON.stringify(path)});
      console.log(l ? "won" : "lost");
      await new Promise((r) => setTimeout(r, 1500));
      await l?.release();`;
    const run = () =>
      new Promise<string>((done) => {
        const p = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]);
        let out = "";
        p.stdout.on("data", (d) => {
          out += d;
        });
        p.on("close", () => done(out.trim()));
      });
    const said = await Promise.all(Array.from({ length: 5 }, run));
    expect(said.filter((s) => s === "won")).toHaveLength(1);
    expect(said.filter((s) => s === "lost")).toHaveLength(4);
  });

  it("a breaker left by a crash mid-break is cleared once old, and the stale lock taken", async () => {
    const path = tmp("breaker.lock");
    fake(path, { pid: deadPid() });
    writeFileSync(`${path}.break`, "1@gone\n");
    expect(await acquireLock(path)).toBeNull(); // a fresh breaker: someone is breaking it now
    const old = new Date(Date.now() - BREAKER_STALE_MS - 1000);
    utimesSync(`${path}.break`, old, old);
    const l = await acquireLock(path);
    expect(l?.info.pid).toBe(process.pid);
    await l?.release();
    expect(existsSync(`${path}.break`)).toBe(false); // the breaker is held only for a moment
    expect(existsSync(path)).toBe(false);
  });
});
