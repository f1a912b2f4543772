/**
 * The semaphore bounding chunk reads: permits are handed to waiters first come, first served,
 * across the queue's compaction (waiters are kept without `shift()`, which made 300 000 waiters
 * take 5 s to drain).
 */
import { describe, expect, it } from "vitest";
import { Semaphore } from "../../src/util/semaphore.js";

describe("Semaphore", () => {
  it("hands permits out in order to thousands of waiters, never more than it has", async () => {
    const s = new Semaphore(3);
    const order: number[] = [];
    let held = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5000 }, async (_, i) => {
        await s.acquire();
        held++;
        most = Math.max(most, held);
        order.push(i);
        await Promise.resolve();
        held--;
        s.release();
      }),
    );
    expect(most).toBe(3);
    expect(order).toStrictEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(s.available).toBe(3);
  });

  it("refuses a permit count that is not a positive integer", () => {
    expect(() => new Semaphore(0)).toThrow("permits must be a positive integer, got 0");
  });
});
