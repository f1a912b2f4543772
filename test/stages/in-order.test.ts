import { from, lastValueFrom, Observable, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { inOrder } from "../../src/stages/in-order.js";

describe("inOrder", () => {
  it("puts values back in order, holding only what arrived early", async () => {
    expect(
      await lastValueFrom(
        from([3, 1, 0, 2, 5, 4]).pipe(
          inOrder((v) => v),
          toArray(),
        ),
      ),
    ).toStrictEqual([0, 1, 2, 3, 4, 5]);
  });

  it("a repeated or missing position is an error; held values are dropped", async () => {
    await expect(lastValueFrom(from([0, 0]).pipe(inOrder((v) => v)))).rejects.toThrow(/position 0 is not new/);
    const dropped: number[] = [];
    await expect(
      lastValueFrom(
        from([2, 3]).pipe(
          inOrder(
            (v) => v,
            (v) => dropped.push(v),
          ),
        ),
      ),
    ).rejects.toThrow(/ended before position 0/);
    expect(dropped).toStrictEqual([2, 3]);
    const failing = new Observable<number>((o) => {
      o.next(1);
      o.error(new Error("read failed"));
    });
    await expect(lastValueFrom(failing.pipe(inOrder((v) => v)))).rejects.toThrow("read failed");
  });
});
