/**
 * Timers past Node's 2^31 - 1 ms limit wait their full length (Node's own fire such a delay at
 * once), and `sleepUntil` keeps to the wall clock.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { after, MAX_TIMER_MS, sleep, sleepUntil } from "../../src/util/timers.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("after", () => {
  it("a delay past 24.8 days does not fire at once", async () => {
    let fired = false;
    const cancel = after(3e9, () => {
      fired = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    cancel();
    expect(fired).toBe(false);
  });

  it("fires once the whole delay has passed, link by link", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    after(2.5 * MAX_TIMER_MS, fn);
    vi.advanceTimersByTime(MAX_TIMER_MS);
    vi.advanceTimersByTime(MAX_TIMER_MS);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0.5 * MAX_TIMER_MS - 1);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("a negative or NaN delay fires at once; cancelling stops it", async () => {
    const seen: string[] = [];
    after(-5, () => seen.push("negative"));
    after(Number.NaN, () => seen.push("nan"));
    after(10, () => seen.push("cancelled"))();
    await new Promise((r) => setTimeout(r, 30));
    expect(seen.sort()).toStrictEqual(["nan", "negative"]);
  });
});

describe("sleep and sleepUntil", () => {
  it("a long sleep ends with E_ABORTED when its signal aborts, not at once", async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 60);
    await expect(sleep(2 ** 31 + 10, ac.signal)).rejects.toMatchObject({ code: "E_ABORTED" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(50);
  });

  it("sleepUntil wakes at the wall-clock time, looking in steps; a time past returns at once", async () => {
    const when = Date.now() + 120;
    await sleepUntil(when, undefined, 25);
    expect(Date.now()).toBeGreaterThanOrEqual(when);
    const t0 = Date.now();
    await sleepUntil(t0 - 1000);
    expect(Date.now() - t0).toBeLessThan(20);
    const ac = new AbortController();
    ac.abort();
    await expect(sleepUntil(Date.now() + 1000, ac.signal)).rejects.toMatchObject({ code: "E_ABORTED" });
  });
});
