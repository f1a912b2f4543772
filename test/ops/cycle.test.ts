/**
 * Forecast cycles run unattended: templated inputs and outputs, status records, waiting for late
 * inputs, retries, the lock, and cron schedules with catch-up, on real files through the identity
 * model (fast) and the command line.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { openSource } from "../../src/io/registry.js";
import { runCycle } from "../../src/ops/cycle.js";
import { readCycleRecords, writeCycleRecord } from "../../src/ops/cycle-record.js";
import { acquireLock } from "../../src/ops/lock.js";
import { parseCron, runSchedule } from "../../src/ops/schedule.js";
import { interrupt, tilecast } from "../helpers/cli.js";
import { tmp } from "../helpers/write.js";

const SCENE = "fixtures/demo/scene.s2like.u16.4b.tif";

/** A pipeline reading `frames/<cycle>.tif` and writing `out/<cycle>.tif`, in a fresh folder. */
function setup(input = "frames/{cycle:%Y%m%dT%H%M%S}.tif") {
  const dir = dirname(tmp("x"));
  mkdirSync(join(dir, "frames"));
  const file = join(dir, "nowcast.yaml");
  writeFileSync(
    file,
    `name: cyc
input:
  path: ${input}
tiling: { size: 256, overlap: 0 }
model: { type: identity }
output:
  path: out/{cycle:%Y%m%dT%H%M%S}.tif
  dtype: uint16
`,
  );
  const frame = (stamp: string) => copyFileSync(SCENE, join(dir, "frames", `${stamp}.tif`));
  return { dir, file, frame, state: join(dir, "state") };
}

describe("forecast cycles", () => {
  it("a cycle fills its time into the paths, writes its product and leaves an ok record", async () => {
    const s = setup();
    s.frame("20260101T060000");
    const r = await runCycle(s.file, new Date("2026-01-01T06:00Z"), { state: s.state });
    expect(r.status).toBe("ok");
    expect(r.attempts).toBe(1);
    expect(r.output).toBe(join(s.dir, "out", "20260101T060000.tif"));
    const out = await openSource(r.output as string);
    expect(out.meta.width).toBe(512);
    await out.close();
    expect(r.latencySeconds).toBeGreaterThan(0); // the cycle's time is in the past
    const [saved] = await readCycleRecords(s.state, "cyc");
    expect(saved).toStrictEqual(r);
    expect(existsSync(join(s.state, "cyc", "lock"))).toBe(false); // released
  });

  it("missing inputs are waited for until the deadline, then the cycle is skipped, not crashed", async () => {
    const s = setup();
    const skipped = await runCycle(s.file, new Date("2026-01-01T06:05Z"), { state: s.state, waitMs: 300, pollMs: 50 });
    expect(skipped.status).toBe("skipped");
    expect(skipped.error).toMatch(/^inputs missing: .*20260101T060500\.tif: no such file/);
    expect(skipped.seconds).toBeGreaterThanOrEqual(0.3);
    // An input that lands while the cycle waits is used.
    setTimeout(() => s.frame("20260101T061000"), 200);
    const late = await runCycle(s.file, new Date("2026-01-01T06:10Z"), { state: s.state, waitMs: 5000, pollMs: 50 });
    expect(late.status).toBe("ok");
    expect(late.attempts).toBe(1);
  });

  it("a failing cycle is retried with backoff, then recorded as failed with its error", async () => {
    const s = setup();
    writeFileSync(join(s.dir, "frames", "20260101T061500.tif"), "not a tiff");
    const r = await runCycle(s.file, new Date("2026-01-01T06:15Z"), { state: s.state, retries: 2, backoffMs: 20 });
    expect(r.status).toBe("failed");
    expect(r.attempts).toBe(3);
    expect(r.error).toContain("20260101T061500.tif");
    expect(existsSync(join(s.dir, "out", "20260101T061500.tif"))).toBe(false); // nothing half-written
  });

  it("a cycle that finds the pipeline locked is skipped, naming the holder", async () => {
    const s = setup();
    s.frame("20260101T062000");
    const lock = await acquireLock(join(s.state, "cyc", "lock"));
    const r = await runCycle(s.file, new Date("2026-01-01T06:20Z"), { state: s.state });
    await lock?.release();
    expect(r.status).toBe("skipped");
    expect(r.error).toContain(`another run of cyc holds the lock (pid ${process.pid}`);
  });

  it("a cycle waits (within its wait) for a run of another cycle holding the lock, then runs; one of its own cycle is skipped", async () => {
    const s = setup();
    s.frame("20260101T062500");
    const other = await acquireLock(join(s.state, "cyc", "lock"), { task: "2026-01-01T06:20:00.000Z" });
    setTimeout(() => void other?.release(), 400);
    const lines: string[] = [];
    const r = await runCycle(s.file, new Date("2026-01-01T06:25Z"), {
      ...{ state: s.state, waitMs: 20_000, pollMs: 50 },
      log: (l) => lines.push(l),
    });
    expect(r.status).toBe("ok");
    expect(r.seconds).toBeGreaterThanOrEqual(0.4);
    expect(existsSync(join(s.dir, "out", "20260101T062500.tif"))).toBe(true);
    expect(lines).toStrictEqual([
      expect.stringMatching(
        /^cyc 2026-01-01T06:25:00.000Z: waiting for the lock: another run of cyc holds the lock \(pid \d+ .*, cycle 2026-01-01T06:20:00.000Z\)$/,
      ),
    ]);
    // The same cycle held: it is being made, so this run is skipped at once, wait or not.
    const same = await acquireLock(join(s.state, "cyc", "lock"), { task: "2026-01-01T06:25:00.000Z" });
    const dup = await runCycle(s.file, new Date("2026-01-01T06:25Z"), { state: s.state, waitMs: 20_000, pollMs: 50 });
    await same?.release();
    expect(dup.status).toBe("skipped");
    expect(dup.seconds).toBeLessThan(5);
    expect(dup.error).toMatch(/^another run of cyc is running this cycle \(pid /);
  });

  it("catch-up runs a cycle skipped before (its frame came late) without waiting, and leaves one still missing skipped", async () => {
    const s = setup("frames/{cycle:%Y%m%dT%H%M%S}.tif");
    const cron = parseCron("0 0 * * * *"); // hourly
    const [older, newer] = cron.previousRuns(2, new Date()).reverse() as [Date, Date];
    const stamp = (t: Date) => t.toISOString().replace(/[-:]/g, "").slice(0, 15);
    for (const t of [older, newer])
      await writeCycleRecord(s.state, {
        ...{ pipeline: s.file, name: "cyc", cycle: t.toISOString(), status: "skipped", started: "", finished: "" },
        ...{ seconds: 0, attempts: 0, runId: "earlier", error: "inputs missing: ..." },
      });
    s.frame(stamp(older)); // came after its cycle gave up; the newer one's never came
    const started = Date.now();
    const records = await runSchedule(s.file, {
      cron: "0 0 * * * *",
      state: s.state,
      catchUp: 2,
      maxCycles: 2,
      waitMs: 60_000,
    });
    expect(Date.now() - started).toBeLessThan(30_000); // the still-missing frame was not waited for
    expect(records.map((r) => [r.cycle, r.status])).toStrictEqual([
      [older.toISOString(), "late"],
      [newer.toISOString(), "skipped"],
    ]);
    expect(existsSync(join(s.dir, "out", `${stamp(older)}.tif`))).toBe(true);
  }, 60_000);

  it("a schedule runs each fire time as a cycle, in order; catch-up runs missed ones first", async () => {
    const s = setup(`${process.cwd()}/${SCENE}`);
    const cron = parseCron("* * * * * *");
    // The last ten fire times have records except two of them, which were missed. (The window
    // is wide so that the seconds setup takes on a loaded machine cannot move them out of it.)
    const recent = cron.previousRuns(10, new Date()).reverse();
    const missed = [recent[4], recent[6]] as Date[];
    for (const t of recent.filter((t) => !missed.includes(t))) {
      await writeCycleRecord(s.state, {
        pipeline: s.file,
        name: "cyc",
        cycle: t.toISOString(),
        status: "ok",
        started: "",
        finished: "",
        seconds: 0,
        attempts: 1,
        runId: "earlier",
      });
    }
    const records = await runSchedule(s.file, { cron: "* * * * * *", state: s.state, catchUp: 10, maxCycles: 5 });
    const times = records.map((r) => Date.parse(r.cycle));
    expect(times.slice(0, 2)).toStrictEqual(missed.map((d) => d.getTime()));
    // Then fire times one second apart after the recorded ones, none lost.
    expect(times[2] as number).toBeGreaterThan((recent[9] as Date).getTime());
    for (let i = 3; i < times.length; i++) expect(times[i]).toBe((times[i - 1] as number) + 1000);
    expect(records.every((r) => r.status === "ok" || r.status === "late")).toBe(true);
    expect(records.at(-1)?.delaySeconds as number).toBeLessThan(1);
    expect((await readCycleRecords(s.state, "cyc")).length).toBe(8 + 5);
  }, 30_000);
});

describe("a schedule whose file stops parsing", () => {
  it("records each cycle as failed with the error and goes on", async () => {
    const s = setup(`${process.cwd()}/${SCENE}`);
    const records = await runSchedule(s.file, {
      cron: "* * * * * *",
      state: s.state,
      maxCycles: 2,
      sets: ["output.path=out/{cycle:%Q}.tif"],
    });
    expect(records.map((r) => r.status)).toStrictEqual(["failed", "failed"]);
    expect(records[0]?.error).toContain("{cycle:%Q}: unknown field %Q");
    expect((await readCycleRecords(s.state, "cyc")).length).toBe(2);
  }, 20_000);
});

describe("the command line", () => {
  it("run --cycle: a record and an exit status per outcome", () => {
    const s = setup();
    s.frame("20260101T063000");
    const ok = tilecast("run", s.file, "--cycle", "2026-01-01T06:30Z", "--state", s.state, "--json");
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).status).toBe("ok");
    const missing = tilecast("run", s.file, "--cycle", "2026-01-01T06:35Z", "--state", s.state);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toMatch(/^2026-01-01T06:35:00.000Z skipped .*inputs missing/);
    // status --state: the pipeline's recent cycles at a glance.
    const st = tilecast("status", "--state", s.state);
    expect(st.code).toBe(0);
    const lines = st.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^cyc: last 2 cycles 1 ok, 1 skipped; median latency \d+\.\d s$/);
    expect(lines[1]).toBe("  latest     2026-01-01T06:35:00.000Z skipped");
    expect(lines[2]).toMatch(/^ {2}problem {4}2026-01-01T06:35:00.000Z skipped: inputs missing: /);
    const [summary] = JSON.parse(tilecast("status", "--state", s.state, "--json").stdout);
    expect(summary.counts).toStrictEqual({ ok: 1, late: 0, failed: 0, skipped: 1 });
    expect(summary.lastOk.cycle).toBe("2026-01-01T06:30:00.000Z");
    expect(tilecast("status").stderr).toContain("status needs --state DIR, --runs DIR or --redis URL");
  });

  it("schedule runs until SIGINT, a line per cycle", async () => {
    const s = setup(`${process.cwd()}/${SCENE}`);
    const r = await interrupt(4500, "SIGINT", "schedule", s.file, "--cron", "* * * * * *", "--state", s.state);
    expect(r.signalled).toBe(true);
    expect(r.code).toBe(130);
    const lines = r.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z (ok|late) /);
    // Every line printed is a record on disk (the cycle in flight at SIGINT may have none).
    const saved = (await readCycleRecords(s.state, "cyc")).map((x) => x.cycle);
    for (const l of lines) expect(saved).toContain(l.slice(0, 24));
  }, 30_000);
});
