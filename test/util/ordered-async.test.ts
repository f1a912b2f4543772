import { from, lastValueFrom, Subject, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { mapAsyncOrdered } from "../../src/util/ordered-async.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("mapAsyncOrdered", () => {
  it("keeps input order however the calls finish, with at most `depth` running", async () => {
    let running = 0;
    let peak = 0;
    const fn = async (v: number) => {
      running++;
      peak = Math.max(peak, running);
      await sleep((7 - v) * 3); // later inputs finish first
      running--;
      return v * 10;
    };
    const out = await lastValueFrom(from([1, 2, 3, 4, 5, 6]).pipe(mapAsyncOrdered(fn, 2), toArray()));
    expect(out).toStrictEqual([10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(2);
  });

  it("starts the next call before the previous result is emitted (the model never waits)", async () => {
    const started: number[] = [];
    const gates = new Map<number, () => void>();
    const fn = (v: number) =>
      new Promise<number>((resolve) => {
        started.push(v);
        gates.set(v, () => resolve(v));
      });
    const input = new Subject<number>();
    const seen: number[] = [];
    input.pipe(mapAsyncOrdered(fn, 2)).subscribe((v) => seen.push(v));
    input.next(1);
    input.next(2);
    input.next(3);
    await sleep(0);
    expect(started).toStrictEqual([1, 2]);
    gates.get(1)?.();
    await sleep(0);
    expect(seen).toStrictEqual([1]);
    expect(started).toStrictEqual([1, 2, 3]);
  });

  it("on a failure: errors once, and hands inputs not started and late results to discard", async () => {
    const dropped: string[] = [];
    const fn = async (v: number) => {
      await sleep(v === 2 ? 1 : 20);
      if (v === 2) throw new Error("boom");
      return v;
    };
    const run = lastValueFrom(
      from([1, 2, 3, 4]).pipe(
        mapAsyncOrdered(fn, 2, {
          input: (v) => dropped.push(`input ${v}`),
          result: (v) => dropped.push(`result ${v}`),
        }),
        toArray(),
      ),
    );
    await expect(run).rejects.toThrow("boom");
    await sleep(40);
    expect(dropped.sort()).toStrictEqual(["input 3", "input 4", "result 1"]);
  });
});
