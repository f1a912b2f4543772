import { describe, expect, it } from "vitest";
import { collectYoung } from "../../src/util/young-gc.js";

const arrayBufferMiB = () => Math.round(process.memoryUsage().arrayBuffers / 2 ** 20);
const tick = () => new Promise((r) => setImmediate(r));

describe("collectYoung", () => {
  it("frees a dropped array buffer now, not at some later collection", async () => {
    const base = arrayBufferMiB();
    let kept: ArrayBuffer | null = new ArrayBuffer(64 * 2 ** 20);
    new Uint8Array(kept).fill(1);
    expect(arrayBufferMiB() - base).toBe(64);
    kept = null;
    await tick();
    expect(arrayBufferMiB() - base).toBe(64); // dropped, but nothing has freed it yet
    collectYoung();
    await tick();
    expect(arrayBufferMiB()).toBeLessThanOrEqual(base);
  });

  it("leaves no gc function in this context", () => {
    collectYoung();
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe("undefined");
  });
});
