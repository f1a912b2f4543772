/**
 * tilecast's LZMA decoder against liblzma (Python's `lzma`): streams liblzma writes with every
 * preset, check, filter chain and properties, in .xz, .lzma and raw LZMA2, decode to the same
 * bytes; damaged ones decode to liblzma's bytes or are refused where liblzma refuses them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TilecastError } from "../../src/errors.js";
import { crc32, crc64 } from "../../src/io/lzma/checks.js";
import { LzmaError } from "../../src/io/lzma/lzma.js";
import { decodeLzmaAlone, decodeRawLzma2, decodeXz } from "../../src/io/lzma/xz.js";
import { PYTHON } from "../helpers/gdal.js";
import { PY_SAMPLE_BYTES } from "../helpers/sample-bytes.js";
import { tmp } from "../helpers/write.js";

const hasPython = spawnSync(PYTHON, ["-c", "import lzma"]).status === 0;

/** Run Python (lzma, os, random, json imported) with DIR set to a fresh directory; returns DIR. */
function python(code: string): string {
  const dir = tmp("lzma");
  execFileSync(PYTHON, [
    "-c",
    `import lzma, os, random, json, struct\nDIR = ${JSON.stringify(dir)}\nos.makedirs(DIR)\n${code}`,
  ]);
  return dir;
}

const VARIANTS = `
def variants(d):
    yield "preset 0", lzma.compress(d, preset=0)
    yield "preset 9 extreme", lzma.compress(d, preset=9 | lzma.PRESET_EXTREME)
    yield "CRC-32", lzma.compress(d, check=lzma.CHECK_CRC32)
    yield "SHA-256", lzma.compress(d, check=lzma.CHECK_SHA256)
    yield "no check", lzma.compress(d, check=lzma.CHECK_NONE)
    yield "Delta 1", lzma.compress(d, filters=[{"id": lzma.FILTER_DELTA, "dist": 1}, {"id": lzma.FILTER_LZMA2}])
    yield "Delta 4", lzma.compress(d, filters=[{"id": lzma.FILTER_DELTA, "dist": 4}, {"id": lzma.FILTER_LZMA2}])
    yield "lc 4 lp 0 pb 0", lzma.compress(d, filters=[{"id": lzma.FILTER_LZMA2, "lc": 4, "lp": 0, "pb": 0}])
    yield "lc 0 lp 4 pb 4", lzma.compress(d, filters=[{"id": lzma.FILTER_LZMA2, "lc": 0, "lp": 4, "pb": 4}])
    yield "lzma", lzma.compress(d, format=lzma.FORMAT_ALONE)
`;

const decode = (name: string, b: Uint8Array) =>
  name.endsWith("lzma")
    ? decodeLzmaAlone(b, 1 << 24, { trailing: "python" })
    : decodeXz(b, 1 << 24, { trailing: "python" });

describe("LZMA checks", () => {
  it("CRC-32 and CRC-64 of the standard check string", () => {
    const b = new TextEncoder().encode("123456789");
    expect(crc32(b)).toBe(0xcbf43926);
    expect(crc64(b)).toBe("995dc9bbdf1939fa");
    expect(crc64(new Uint8Array(0))).toBe("0000000000000000");
  });
});

describe.skipIf(!hasPython)("LZMA and .xz against liblzma", () => {
  it("decodes what liblzma writes: presets, checks, Delta, extreme properties, .lzma; sizes 0 to 300 kB", () => {
    const dir = python(`${PY_SAMPLE_BYTES}${VARIANTS}
r = random.Random(1)
cases = []
for kind in ["rand", "zeros", "text", "mixed", "floats"]:
    for n in [0, 1, 100, 70000, 300000]:
        d = data(kind, n, r)
        for v, c in variants(d):
            name = f"{len(cases):03d} {kind} {n} {v}"
            open(os.path.join(DIR, f"{len(cases)}.in"), "wb").write(c)
            open(os.path.join(DIR, f"{len(cases)}.out"), "wb").write(d)
            cases.append(name)
json.dump(cases, open(os.path.join(DIR, "cases.json"), "w"))`);
    const cases = JSON.parse(readFileSync(join(dir, "cases.json"), "utf8")) as string[];
    expect(cases.length).toBe(250);
    const wrong = cases.filter((name, i) => {
      const want = readFileSync(join(dir, `${i}.out`));
      return !Buffer.from(decode(name, readFileSync(join(dir, `${i}.in`)))).equals(want);
    });
    expect(wrong).toStrictEqual([]);
  }, 120_000);

  it("600 damaged streams: liblzma's bytes where it decodes them, a refusal where it refuses", () => {
    const dir = python(`${PY_SAMPLE_BYTES}${VARIANTS}
r = random.Random(2)
bases = []
for kind in ["text", "mixed", "floats", "zeros"]:
    for n in [0, 100, 5000, 70000]:
        bases += [(v, c) for v, c in variants(data(kind, n, r))]
cases = []
for k in range(600):
    v, c = r.choice(bases)
    b = bytearray(c)
    m = r.random()
    if m < 0.45 and b: b[r.randrange(len(b))] ^= 1 << r.randrange(8)
    elif m < 0.7 and len(b) > 1: b = b[:r.randrange(len(b))]
    elif m < 0.85 and b: b[r.randrange(len(b))] = r.randrange(256)
    else: b += bytes(r.getrandbits(8) for _ in range(r.choice([1, 4, 8, 11, 12, 20])))
    fmt = lzma.FORMAT_ALONE if v == "lzma" else lzma.FORMAT_XZ
    try: d = lzma.decompress(bytes(b), format=fmt); ok = True
    except lzma.LZMAError: d = b""; ok = False
    open(os.path.join(DIR, f"{k}.in"), "wb").write(b)
    open(os.path.join(DIR, f"{k}.out"), "wb").write(d)
    cases.append([v, ok])
json.dump(cases, open(os.path.join(DIR, "cases.json"), "w"))`);
    const cases = JSON.parse(readFileSync(join(dir, "cases.json"), "utf8")) as [string, boolean][];
    const tally = { equal: 0, refused: 0 };
    const findings: string[] = [];
    cases.forEach(([v, ok], k) => {
      const input = readFileSync(join(dir, `${k}.in`));
      try {
        const got = decode(v, input);
        if (!ok) findings.push(`${k} (${v}): read where liblzma refuses`);
        else if (!Buffer.from(got).equals(readFileSync(join(dir, `${k}.out`))))
          findings.push(`${k} (${v}): other bytes`);
        else tally.equal++;
      } catch (e) {
        if (!(e instanceof LzmaError)) findings.push(`${k} (${v}): ${(e as Error).message}`);
        else if (ok) findings.push(`${k} (${v}): refused where liblzma reads (${e.message})`);
        else tally.refused++;
      }
    });
    expect(findings).toStrictEqual([]);
    expect(tally.refused).toBeGreaterThan(400); // most damage breaks a check
    expect(tally.equal).toBeGreaterThan(5); // appended stream padding or 12+ stray bytes still read
  }, 120_000);

  it("a second stream: decoded; dropped when corrupt; refused when truncated, as Python's lzma does", () => {
    const dir = python(`a = lzma.compress(b"first " * 50)
b = lzma.compress(b"second " * 50)
bad = bytearray(b); bad[len(b) // 2] ^= 0x40
for name, data in [("both", a + b), ("corrupt", a + bytes(bad)), ("truncated", a + b[:-9])]:
    open(os.path.join(DIR, name), "wb").write(data)
    try: out = lzma.decompress(data).decode()
    except (lzma.LZMAError, ValueError, EOFError): out = None
    open(os.path.join(DIR, name + ".json"), "w").write(json.dumps(out))`);
    const result = (name: string) => {
      try {
        return new TextDecoder().decode(decodeXz(readFileSync(join(dir, name)), 1 << 20, { trailing: "python" }));
      } catch (e) {
        if (!(e instanceof LzmaError)) throw e;
        return null;
      }
    };
    for (const name of ["both", "corrupt", "truncated"])
      expect([name, result(name)]).toStrictEqual([name, JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"))]);
    expect(result("both")).toBe(`${"first ".repeat(50)}${"second ".repeat(50)}`);
    expect(result("corrupt")).toBe("first ".repeat(50));
    expect(result("truncated")).toBeNull();
  });

  it("raw LZMA2 (numcodecs' format 3) after Delta", () => {
    const dir = python(`d = bytes((i * 7) % 251 for i in range(20000))
c = lzma.compress(d, format=lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_DELTA, "dist": 2}, {"id": lzma.FILTER_LZMA2, "preset": 1}])
open(os.path.join(DIR, "in"), "wb").write(c)
open(os.path.join(DIR, "out"), "wb").write(d)`);
    const out = decodeRawLzma2(readFileSync(join(dir, "in")), 1 << 20, 1 << 20, [2]);
    expect(Buffer.from(out).equals(readFileSync(join(dir, "out")))).toBe(true);
  });

  it("refuses to decode past its limit before allocating it (a 64 MB bomb in 10 kB)", () => {
    const dir = python(`open(os.path.join(DIR, "in"), "wb").write(lzma.compress(bytes(64 << 20)))`);
    const bomb = readFileSync(join(dir, "in"));
    expect(bomb.length).toBeLessThan(20_000);
    expect(() => decodeXz(bomb, 1 << 20)).toThrow(/more than 1048576 bytes/);
  });

  it("an executable filter (x86 BCJ) is unsupported, by name", () => {
    const dir = python(
      `open(os.path.join(DIR, "in"), "wb").write(lzma.compress(b"abc" * 100, filters=[{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2}]))`,
    );
    const e = (() => {
      try {
        decodeXz(readFileSync(join(dir, "in")), 1 << 20);
      } catch (err) {
        return err as TilecastError;
      }
    })();
    expect(e).toBeInstanceOf(TilecastError);
    expect([e?.code, e?.message]).toStrictEqual(["E_UNSUPPORTED", "xz filter 0x4 (tilecast decodes LZMA2 and Delta)"]);
  });
});
