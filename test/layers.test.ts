/**
 * The layer order of src/ (docs/architecture.md): lower layers never import higher ones, and no
 * two folders import each other. Static imports only; `import()` on demand is checked too.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** Layer of each top-level folder (or file) of src/; a folder may import its own layer or lower. */
const LAYER: Record<string, number> = {
  "errors.ts": 0,
  util: 0,
  grid: 1,
  io: 2,
  tiling: 2,
  augment: 2,
  stages: 3,
  nn: 3,
  models: 3,
  "tfjs.ts": 3, // TensorFlow.js itself, for the layers that run it
  train: 4,
  pipeline: 4,
  ops: 5,
  cli: 5,
  "index.ts": 6,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const top = (file: string) => relative("src", file).split("/")[0] as string;

/** Every (from, to) import between src/ files. */
function edges(): [string, string][] {
  const out: [string, string][] = [];
  for (const f of files("src")) {
    const text = readFileSync(f, "utf8");
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["'](\.{1,2}\/[^"']+)["']/g)) {
      out.push([f, relative(process.cwd(), resolve(dirname(f), (m[1] as string).replace(/\.js$/, ".ts")))]);
    }
  }
  return out;
}

describe("src/ layers", () => {
  it("every top-level folder has a layer", () => {
    for (const f of readdirSync("src")) expect(LAYER[f], f).toBeTypeOf("number");
  });

  it("no import goes up the layer order", () => {
    const bad = edges()
      .filter(([a, b]) => (LAYER[top(b)] as number) > (LAYER[top(a)] as number))
      .map(([a, b]) => `${a} -> ${b}`);
    expect(bad).toStrictEqual([]);
  });

  it("no two folders import each other", () => {
    const pairs = new Set(edges().map(([a, b]) => `${top(a)} ${top(b)}`));
    const cycles = [...pairs]
      .map((p) => p.split(" ") as [string, string])
      .filter(([a, b]) => a !== b && pairs.has(`${b} ${a}`))
      .map(([a, b]) => `${a} <-> ${b}`);
    expect(cycles).toStrictEqual([]);
  });

  it("catches a violation (the check is live)", () => {
    const fake: [string, string][] = [["src/grid/x.ts", "src/stages/y.ts"]];
    expect(fake.filter(([a, b]) => (LAYER[top(b)] as number) > (LAYER[top(a)] as number))).toHaveLength(1);
  });
});
