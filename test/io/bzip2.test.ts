/**
 * tilecast's bzip2 decoder against libbz2 (Python's `bz2`): streams of five kinds of data at
 * both block sizes decode to the same bytes, and damaged ones decode to libbz2's bytes or are
 * refused where it refuses them (randomised blocks, refused by name, aside).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TilecastError } from "../../src/errors.js";
import { Bzip2Error, decodeBzip2 } from "../../src/io/bzip2.js";
import { PYTHON } from "../helpers/gdal.js";
import { PY_SAMPLE_BYTES } from "../helpers/sample-bytes.js";
import { tmp } from "../helpers/write.js";

const hasPython = spawnSync(PYTHON, ["-c", "import bz2"]).status === 0;

/** Streams of `kinds` of data at sizes 0 to 250 kB and levels 1 and 9, with damaged copies. */
function streams(damaged: number): string {
  const dir = tmp("bzip2");
  execFileSync(PYTHON, [
    "-c",
    `import bz2, os, json, random, struct
DIR = ${JSON.stringify(dir)}
os.makedirs(DIR)
r = random.Random(1)
${PY_SAMPLE_BYTES}
cases = []
def put(name, c, d):
    open(os.path.join(DIR, f"{len(cases)}.in"), "wb").write(c)
    open(os.path.join(DIR, f"{len(cases)}.out"), "wb").write(d)
    cases.append(name)
for kind in ["rand", "zeros", "text", "mixed", "floats"]:
    for n in [0, 1, 100, 5000, 250000]:
        d = data(kind, n, r)
        for lvl in [1, 9]: put(f"{kind} {n} level {lvl}", bz2.compress(d, lvl), d)
d = data("text", 3000, r)
put("two streams", bz2.compress(d[:1000]) + bz2.compress(d[1000:]), d)
good = len(cases)
for k in range(${damaged}):
    b = bytearray(open(os.path.join(DIR, f"{r.randrange(good)}.in"), "rb").read())
    m = r.random()
    if m < 0.45 and b: b[r.randrange(len(b))] ^= 1 << r.randrange(8)
    elif m < 0.7 and len(b) > 1: b = b[:r.randrange(len(b))]
    elif m < 0.85 and b: b[r.randrange(len(b))] = r.randrange(256)
    else: b += r.choice([b"B", b"BZ", b"BZh9", b"xyz", bytes(r.getrandbits(8) for _ in range(12))])
    try: d = bz2.decompress(bytes(b)); name = "reads"
    except (OSError, ValueError, EOFError): d = b""; name = "refuses"
    put(name, bytes(b), d)
json.dump({"good": good, "cases": cases}, open(os.path.join(DIR, "cases.json"), "w"))`,
  ]);
  return dir;
}

describe.skipIf(!hasPython)("bzip2 against libbz2", () => {
  it("decodes what libbz2 writes, and agrees with it on 800 damaged streams", () => {
    const dir = streams(800);
    const { good, cases } = JSON.parse(readFileSync(join(dir, "cases.json"), "utf8")) as {
      good: number;
      cases: string[];
    };
    const findings: string[] = [];
    const tally = { equal: 0, refused: 0, randomised: 0 };
    cases.forEach((name, i) => {
      const input = readFileSync(join(dir, `${i}.in`));
      try {
        const got = decodeBzip2(input, 1 << 24);
        if (name === "refuses") findings.push(`${i}: read where libbz2 refuses`);
        else if (!Buffer.from(got).equals(readFileSync(join(dir, `${i}.out`))))
          findings.push(`${i} (${name}): other bytes`);
        else tally.equal++;
      } catch (e) {
        if (e instanceof TilecastError && e.code === "E_UNSUPPORTED") tally.randomised++;
        else if (!(e instanceof Bzip2Error)) findings.push(`${i}: ${(e as Error).message}`);
        else if (name !== "refuses") findings.push(`${i} (${name}): refused where libbz2 reads (${e.message})`);
        else tally.refused++;
      }
    });
    expect(findings).toStrictEqual([]);
    expect(tally.equal).toBeGreaterThan(good); // every good stream, and damage that still reads
    expect(tally.refused).toBeGreaterThan(600);
    expect(tally.randomised).toBeLessThan(5); // a flipped flag bit, now and then
  }, 120_000);

  it("refuses to decode past its limit (a 50 MB bomb)", () => {
    const dir = tmp("bomb");
    execFileSync(PYTHON, ["-c", `import bz2; open(${JSON.stringify(dir)}, "wb").write(bz2.compress(bytes(50 << 20)))`]);
    const bomb = readFileSync(dir);
    expect(bomb.length).toBeLessThan(1000);
    expect(() => decodeBzip2(bomb, 1 << 20)).toThrow("bzip2 data decodes to more than 1048576 bytes");
  });
});
