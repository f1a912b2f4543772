/**
 * The GeoTIFF reader's block cache (`BlockCache`): blocks handed out are kept up to a budget that
 * starts at 8 MiB and doubles each time a dropped block is asked for again, up to the cache's
 * size; blocks decoded ahead stay until handed out, within that size; a failed block leaves.
 */
import { describe, expect, it } from "vitest";
import { BlockCache, START_KEEP } from "../../../src/io/geotiff/block-cache.js";

const MiB = 1024 * 1024;
const LIMIT = 64 * MiB;
const block = (n: number) => Promise.resolve(new Uint8Array([n]));

describe("BlockCache", () => {
  it("keeps 8 MiB of blocks read once, the latest, not the cache's 64", async () => {
    const cache = new BlockCache();
    for (let k = 0; k < 40; k++) cache.set(k, MiB, block(k), LIMIT);
    expect(START_KEEP).toBe(8 * MiB);
    expect(cache.size).toEqual({ bytes: 8 * MiB, keep: 8 * MiB });
    expect(cache.has(31)).toBe(false);
    for (let k = 32; k < 40; k++) expect(await cache.get(k)).toEqual(new Uint8Array([k]));
  });

  it("doubles its budget each time a dropped block is asked for again, up to its size", () => {
    const cache = new BlockCache();
    // Rows of 12 blocks read twice over, as overlapping windows come back a row later.
    const rows = (from: number) => {
      for (let k = from; k < from + 12; k++) if (!cache.get(k)) cache.set(k, MiB, block(k), LIMIT);
    };
    rows(0);
    expect(cache.size.keep).toBe(8 * MiB); // nothing asked for again yet
    rows(0); // blocks 0-3 were dropped: asked for again, the budget grows
    expect(cache.size.keep).toBeGreaterThanOrEqual(16 * MiB);
    const keep = cache.size.keep;
    rows(0); // all 12 fit now: every one a hit, nothing grows
    expect(cache.size).toEqual({ bytes: 12 * MiB, keep });
    for (let r = 0; r < 40; r++) rows(12 * r); // far more than 64 MiB, each row visited once
    expect(cache.size.keep).toBe(keep);
    expect(cache.size.bytes).toBeLessThanOrEqual(keep);
    // The budget never passes the size it is given.
    const small = new BlockCache();
    for (let round = 0; round < 6; round++) for (let k = 0; k < 20; k++) small.set(k, MiB, block(k), 10 * MiB);
    expect(small.size.keep).toBe(10 * MiB);
    expect(small.size.bytes).toBe(10 * MiB);
  });

  it("holds blocks decoded ahead until they are handed out, within its size", async () => {
    const cache = new BlockCache();
    for (let k = 0; k < 20; k++) cache.set(k, MiB, block(k), LIMIT, true);
    expect(cache.size.bytes).toBe(20 * MiB); // past the 8 MiB budget: none handed out yet
    for (let k = 0; k < 20; k++) expect(await cache.get(k)).toEqual(new Uint8Array([k]));
    expect(cache.size.bytes).toBe(8 * MiB); // handed out: within the budget again
    expect(cache.has(11)).toBe(false);
    expect(cache.has(12)).toBe(true);
    // Past the cache's size, the oldest decoded ahead go.
    const full = new BlockCache();
    for (let k = 0; k < 20; k++) full.set(k, MiB, block(k), 16 * MiB, true);
    expect(full.size.bytes).toBe(16 * MiB);
    expect(full.has(3)).toBe(false);
    expect(full.has(4)).toBe(true);
  });

  it("lets a block whose decoding failed go, so a later read tries it again", async () => {
    const cache = new BlockCache();
    const failed = Promise.reject(new Error("corrupt"));
    cache.set(7, MiB, failed, LIMIT);
    await failed.catch(() => {});
    await Promise.resolve();
    expect(cache.has(7)).toBe(false);
    expect(cache.size.bytes).toBe(0);
  });
});
