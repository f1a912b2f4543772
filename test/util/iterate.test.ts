import { interval, map, Observable, of, take } from "rxjs";
import { describe, expect, it } from "vitest";
import { iterate } from "../../src/util/iterate.js";

describe("iterate", () => {
  it("yields an observable's values in order, synchronous or not", async () => {
    const got: number[] = [];
    for await (const v of iterate(of(1, 2, 3))) got.push(v);
    for await (const v of iterate(
      interval(1).pipe(
        take(3),
        map((i) => 10 + i),
      ),
    ))
      got.push(v);
    expect(got).toStrictEqual([1, 2, 3, 10, 11, 12]);
  });

  it("an error reaches the loop", async () => {
    const failing = new Observable<number>((o) => {
      o.next(1);
      o.error(new Error("boom"));
    });
    const got: number[] = [];
    await expect(
      (async () => {
        for await (const v of iterate(failing)) got.push(v);
      })(),
    ).rejects.toThrow("boom");
  });

  it("leaving early unsubscribes and drops what was queued", async () => {
    let unsubscribed = false;
    const src = new Observable<number>((o) => {
      for (let i = 0; i < 5; i++) o.next(i);
      return () => {
        unsubscribed = true;
      };
    });
    const dropped: number[] = [];
    for await (const v of iterate(src, (x) => dropped.push(x))) if (v === 1) break;
    expect(unsubscribed).toBe(true);
    expect(dropped).toStrictEqual([2, 3, 4]);
  });
});
