import { from, lastValueFrom, Observable, tap, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/augment/rng.js";
import { shuffleBuffer, shuffled } from "../../src/train/shuffle.js";

describe("shuffles", () => {
  it("shuffled is a seeded permutation", () => {
    const a = shuffled([...Array(20).keys()], new Rng(5));
    expect([...a].sort((x, y) => x - y)).toStrictEqual([...Array(20).keys()]);
    expect(shuffled([...Array(20).keys()], new Rng(5))).toStrictEqual(a);
    expect(a).not.toStrictEqual([...Array(20).keys()]);
  });

  it("shuffleBuffer emits every value once, in a seeded order, holding at most size + 1", async () => {
    let inFlight = 0;
    let most = 0;
    const run = (seed: number) =>
      lastValueFrom(
        from([...Array(50).keys()]).pipe(
          tap(() => {
            inFlight++;
            most = Math.max(most, inFlight);
          }),
          shuffleBuffer(8, new Rng(seed)),
          tap(() => inFlight--),
          toArray(),
        ),
      );
    const a = await run(1);
    expect([...a].sort((x, y) => x - y)).toStrictEqual([...Array(50).keys()]);
    expect(a).not.toStrictEqual([...Array(50).keys()]);
    expect(await run(1)).toStrictEqual(a);
    expect(most).toBe(9);
  });

  it("values held when the stream fails are dropped (freed)", async () => {
    const dropped: number[] = [];
    const failing = new Observable<number>((o) => {
      o.next(1);
      o.next(2);
      o.error(new Error("read failed"));
    });
    await expect(lastValueFrom(failing.pipe(shuffleBuffer(4, new Rng(1), (v) => dropped.push(v))))).rejects.toThrow(
      "read failed",
    );
    expect(dropped.sort()).toStrictEqual([1, 2]);
  });
});
