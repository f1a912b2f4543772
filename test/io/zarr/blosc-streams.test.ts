import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Blosc from "numcodecs/blosc";
import { afterAll, describe, expect, it } from "vitest";
import { checkBloscFrame } from "../../../src/io/zarr/blosc-frame.js";
import { decodeBloscStreams } from "../../../src/io/zarr/blosc-streams.js";
import { hasGdal, PYTHON } from "../../helpers/gdal.js";

/**
 * Chunks c-blosc itself compresses (Python numcodecs, as zarr-python writes them) with every
 * inner codec, shuffle none, byte and bit, type sizes 1 to 8, whole-chunk and small blocks, sizes
 * that leave a short last block; each beside its raw bytes.
 */
const GENERATE = `
import json, os, sys
import numpy as np
import numcodecs
out = sys.argv[1]
rng = np.random.default_rng(9)
names = []
for cname in ("zstd", "zlib", "lz4", "blosclz"):
    for shuffle in (0, 1, 2):
        for ts in (1, 2, 4, 8):
            for n, blocksize in ((70001, 0), (70001, 4096), (37, 0)):
                raw = (np.sin(np.arange(n) / 40.0) * 900 + rng.integers(0, 9, n)).astype("<i8").view(np.uint8)[: n * ts]
                raw = raw[: len(raw) // ts * ts].tobytes()
                name = f"{cname}-sh{shuffle}-ts{ts}-n{n}-bs{blocksize}"
                c = numcodecs.Blosc(cname=cname, clevel=3, shuffle=shuffle, blocksize=blocksize)
                arr = np.frombuffer(raw, dtype=f"u{ts}")
                open(os.path.join(out, name + ".raw"), "wb").write(raw)
                open(os.path.join(out, name + ".blosc"), "wb").write(c.encode(arr))
                names.append(name)
print(json.dumps(names))
`;

/** `b` with one bit flipped in its last stream's middle (past the header and block table). */
function flipped(b: Uint8Array): Uint8Array {
  const c = b.slice();
  const at = Math.floor((c.length * 3) / 4);
  c[at] = (c[at] as number) ^ 0x10;
  return c;
}

describe.skipIf(!hasGdal)("Blosc streams decoded or checked by tilecast", () => {
  const dir = mkdtempSync(join(tmpdir(), "tilecast-blosc-streams-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const names = JSON.parse(execFileSync(PYTHON, ["-c", GENERATE, dir], { encoding: "utf8" })) as string[];
  const wasm = Blosc.fromConfig({ id: "blosc", cname: "lz4", clevel: 5, shuffle: 1 });

  it("every c-blosc chunk decodes to its bytes: here (no or byte shuffle) or after its streams were checked", async () => {
    const decodedHere = new Set<string>();
    for (const name of names) {
      const chunk = new Uint8Array(readFileSync(join(dir, `${name}.blosc`)));
      const raw = new Uint8Array(readFileSync(join(dir, `${name}.raw`)));
      checkBloscFrame(chunk);
      const mine = await decodeBloscStreams(chunk);
      if (mine) decodedHere.add(name);
      const got = mine ?? (await wasm.decode(chunk));
      expect(Buffer.from(got).equals(Buffer.from(raw)), name).toBe(true);
    }
    // Every inner codec is decoded here without bit shuffle (LZ4 then is blosc.ts's before it
    // comes here); with bit shuffle, the streams are checked here and numcodecs.js unshuffles.
    const expected = names.filter((n) => /-sh[01]-/.test(n) && !n.includes("-n37-"));
    expect([...decodedHere].filter((n) => !n.includes("-n37-")).sort()).toStrictEqual(expected.sort());
  });

  it("a flipped bit in a stream is an error naming the block and stream, or a block of the right size", async () => {
    let refused = 0;
    for (const name of names.filter((n) => n.includes("-n70001-"))) {
      const chunk = new Uint8Array(readFileSync(join(dir, `${name}.blosc`)));
      if (name.startsWith("lz4") && !name.includes("-sh2-")) continue; // blosc.ts's own path, tested there
      const bad = flipped(chunk);
      const r = await decodeBloscStreams(bad).then(
        (v) => ({ ok: v }),
        (e: Error) => ({ error: e.message }),
      );
      if ("error" in r) {
        expect(r.error, name).toMatch(/^blosc block \d+, stream \d+ (does not decode|decoded to \d+ bytes, not \d+)/);
        refused++;
      } else {
        // A flip a codec cannot see (zlib and Zstandard check their streams; LZ4 and BloscLZ
        // do not): the bytes still come back the size they must be.
        const raw = readFileSync(join(dir, `${name}.raw`));
        const got = r.ok ?? (await wasm.decode(bad));
        expect(got.length, name).toBe(raw.length);
      }
    }
    expect(refused).toBeGreaterThan(20);
  });
});
