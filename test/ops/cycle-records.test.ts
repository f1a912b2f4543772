/**
 * A long-running schedule leaves a record per cycle (105 000 a year at 5 minutes). `tilecast
 * status`, the operations page and a schedule's start read only the records they show or need:
 * reading every one took `status` 32 s at 150 000 records. A record that is not JSON is named.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CycleRecord, readCycleRecords, summarizeCycles, writeCycleRecord } from "../../src/ops/cycle-record.js";
import { parseCron, runSchedule } from "../../src/ops/schedule.js";
import { tilecast } from "../helpers/cli.js";
import { identityCyclePipeline } from "../helpers/cycle-pipeline.js";
import { tmp } from "../helpers/write.js";

/** `n` records of pipeline `name`, 5 minutes apart up to `end`, every tenth skipped. */
async function records(state: string, name: string, n: number, end = Date.UTC(2026, 0, 1)) {
  for (let i = 0; i < n; i++) {
    const cycle = new Date(end - (n - 1 - i) * 300_000).toISOString();
    const r: CycleRecord = {
      pipeline: `${name}.yaml`,
      name,
      cycle,
      status: i % 10 === 9 ? "skipped" : "ok",
      started: cycle,
      finished: cycle,
      seconds: 1,
      attempts: 1,
      latencySeconds: i,
      runId: "r",
    };
    await writeCycleRecord(state, r);
  }
}

describe("cycle records of a long-running schedule", () => {
  it("status reads only the newest records; an unreadable one is named when it is read", async () => {
    const state = join(dirname(tmp("x")), "state");
    await records(state, "radar", 300);
    // The oldest record is not JSON (a disk filled up under an older writer, say).
    writeFileSync(join(state, "radar", "cycles", "2025-12-30T000000Z.json"), '{"cycle": "2025-12-30T00');
    const [s] = await summarizeCycles(state, 50);
    expect(s?.cycles).toBe(50);
    expect(s?.counts).toStrictEqual({ ok: 45, late: 0, failed: 0, skipped: 5 });
    expect(s?.latest?.cycle).toBe("2026-01-01T00:00:00.000Z");
    expect(s?.medianLatencySeconds).toBe(274); // the ok ones of 250 ... 299: the 23rd of 45
    expect((await readCycleRecords(state, "radar", 3)).map((r) => r.cycle)).toStrictEqual([
      "2025-12-31T23:50:00.000Z",
      "2025-12-31T23:55:00.000Z",
      "2026-01-01T00:00:00.000Z",
    ]);
    expect(tilecast("status", "--state", state).code).toBe(0);
    const all = tilecast("status", "--state", state, "--last", "1000");
    expect(all.code).not.toBe(0);
    expect(all.stderr.trim().split("\n")).toHaveLength(1);
    expect(all.stderr).toContain("2025-12-30T000000Z.json: not a cycle record (");
  });

  it("a schedule's start reads the catch-up window's records only", async () => {
    const { file, state } = identityCyclePipeline("cyc");
    mkdirSync(join(state, "cyc", "cycles"), { recursive: true });
    writeFileSync(join(state, "cyc", "cycles", "2020-01-01T000000Z.json"), "not json");
    // The last three fire times: two recorded ok, one missed.
    const [a, b, c] = parseCron("0 * * * * *").previousRuns(3, new Date()) as [Date, Date, Date];
    for (const t of [a, c]) await records(state, "cyc", 1, t.getTime());
    const out = await runSchedule(file, { cron: "0 * * * * *", state, catchUp: 3, maxCycles: 1 });
    expect(out.map((r) => r.cycle)).toStrictEqual([b.toISOString()]);
    expect(["ok", "late"]).toContain(out[0]?.status); // late: its fire time was a minute ago
  }, 30_000);
});
