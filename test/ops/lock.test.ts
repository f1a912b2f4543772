import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { acquireLock, isStale, readLock } from "../../src/ops/lock.js";
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

  it("of many takers racing for a stale lock, exactly one wins", async () => {
    const path = tmp("race.lock");
    fake(path, { pid: deadPid() });
    const got = await Promise.all(Array.from({ length: 8 }, () => acquireLock(path)));
    const winners = got.filter((g) => g !== null);
    expect(winners).toHaveLength(1);
    expect(JSON.parse(readFileSync(path, "utf8")).owner).toBe(winners[0]?.info.owner);
    await winners[0]?.release();
  });
});
