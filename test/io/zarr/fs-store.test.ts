import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalStore } from "../../../src/io/zarr/fs-store.js";

describe("LocalStore: one read per key", () => {
  const dir = mkdtempSync(join(tmpdir(), "tilecast-store-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const bytes = Uint8Array.from({ length: 3_000_000 }, (_, i) => (i * 7919) % 251);
  writeFileSync(join(dir, "chunk"), bytes);
  const store = new LocalStore(dir);

  it("reads a whole key, larger than one fs.readFile piece", async () => {
    expect(Buffer.from((await store.get("/chunk")) as Uint8Array).equals(bytes)).toBe(true);
  });

  it("reads byte ranges by offset and by suffix", async () => {
    expect(Array.from((await store.getRange("/chunk", { offset: 1000, length: 5 })) as Uint8Array)).toStrictEqual(
      Array.from(bytes.subarray(1000, 1005)),
    );
    expect(Array.from((await store.getRange("/chunk", { suffixLength: 4 })) as Uint8Array)).toStrictEqual(
      Array.from(bytes.subarray(bytes.length - 4)),
    );
  });

  it("a missing key (a missing chunk) is undefined; a key under a file is too", async () => {
    expect(await store.get("/t2m/0.0.0")).toBeUndefined();
    expect(await store.get("/chunk/0")).toBeUndefined();
  });

  it("a key that is a directory is an error, not empty data", async () => {
    await expect(store.get("/")).rejects.toThrow(/EISDIR/);
  });

  it("a cancelled read throws before touching the file", async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(store.get("/chunk", { signal: ac.signal })).rejects.toThrow();
  });
});
