/**
 * A schedule whose next fire time is weeks away waits for it. Node's timers fire a delay past
 * 24.8 days at once, so a monthly or seasonal schedule ran its coming cycles at start, labelled
 * with future times. A schedule with no fire time at all is refused, not ended with exit 0.
 */
import { describe, expect, it } from "vitest";
import { parseCron, runSchedule } from "../../src/ops/schedule.js";
import { tilecast } from "../helpers/cli.js";
import { identityCyclePipeline } from "../helpers/cycle-pipeline.js";

describe("schedules with distant or no fire times", () => {
  it("a fire time 60 days away is waited for: nothing runs before it", async () => {
    const p = identityCyclePipeline("monthly");
    const d = new Date(Date.now() + 60 * 86_400_000);
    const cron = `0 0 ${d.getUTCDate()} ${d.getUTCMonth() + 1} *`;
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 1500);
    const records = await runSchedule(p.file, {
      cron,
      state: p.state,
      maxCycles: 2,
      signal: stop.signal,
    });
    expect(records).toStrictEqual([]);
  }, 20_000);

  it("a schedule that never fires is refused, naming the expression", () => {
    const now = new Date("2026-12-07T12:00:00Z");
    expect(() => parseCron("0 0 31 2 *", now)).toThrow(
      "--cron '0 0 31 2 *': no fire time after 2026-12-07T12:00:00.000Z (no date matches)",
    );
    expect(parseCron("0 0 29 2 *", now).nextRun(now)?.toISOString()).toBe("2028-02-29T00:00:00.000Z");
    const p = identityCyclePipeline("monthly");
    const r = tilecast("schedule", p.file, "--cron", "0 0 30 2 *", "--state", p.state);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--cron '0 0 30 2 *': no fire time after ");
  }, 20_000);
});
