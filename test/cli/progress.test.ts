/**
 * Progress on stderr when it is not a terminal (logs, CI, a scheduler's capture): a line every
 * tenth of the work once it has run for a second, in the work's own unit. A forecast backfill
 * (`nowcast --until`) reports cycles; before, it ran for minutes with no output at all.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { progress } from "../../src/cli/progress.js";

describe("progress lines", () => {
  afterEach(() => vi.useRealTimers());

  it("count the work's unit every tenth, only once a second has passed, and say nothing when quiet", () => {
    vi.useFakeTimers({ now: 0 });
    const lines: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((s) => lines.push(String(s)) > 0);
    const tty = process.stderr.isTTY;
    process.stderr.isTTY = false;
    try {
      const bar = progress("radar-nowcast", 20, false, "cycles");
      const quiet = progress("radar-nowcast", 20, true, "cycles");
      for (let done = 0; done <= 20; done++) {
        bar.update(done);
        quiet.update(done);
        vi.advanceTimersByTime(400); // 0.4 s a cycle: the first tenth is done at 0.8 s
      }
      bar.stop();
    } finally {
      write.mockRestore();
      process.stderr.isTTY = tty;
    }
    expect(lines).toStrictEqual(
      [
        "radar-nowcast: 4/20 cycles (20%, 1.6 s)",
        "radar-nowcast: 6/20 cycles (30%, 2.4 s)",
        "radar-nowcast: 8/20 cycles (40%, 3.2 s)",
        "radar-nowcast: 10/20 cycles (50%, 4.0 s)",
        "radar-nowcast: 12/20 cycles (60%, 4.8 s)",
        "radar-nowcast: 14/20 cycles (70%, 5.6 s)",
        "radar-nowcast: 16/20 cycles (80%, 6.4 s)",
        "radar-nowcast: 18/20 cycles (90%, 7.2 s)",
        "radar-nowcast: 20/20 cycles (100%, 8.0 s)",
      ].map((l) => `${l}\n`),
    );
  });
});
