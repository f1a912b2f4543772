/**
 * Every ```ts example in the TSDoc of src/ runs against the built package (`import "tilecast"`
 * resolves to dist/ through the package's own exports). Each example gets its own temporary
 * directory: `/tmp/` in its text is rewritten to it. All run in one process, one after another.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

interface Example {
  id: string;
  code: string;
}

/** The ```ts blocks inside /** ... *\/ comments of a file, comment markers stripped. */
function examples(file: string): Example[] {
  const text = readFileSync(file, "utf8");
  const out: Example[] = [];
  for (const c of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const body = (c[1] as string)
      .split("\n")
      .map((l) => l.replace(/^\s*\* ?/, ""))
      .join("\n");
    for (const m of body.matchAll(/```ts\n([\s\S]*?)```/g)) {
      const line = text.slice(0, c.index).split("\n").length;
      out.push({ id: `${relative("src", file)}:${line}`, code: m[1] as string });
    }
  }
  return out;
}

const all = files("src").flatMap(examples);
const root = mkdtempSync(join(tmpdir(), "tilecast-doc-examples-"));
const dir = "test/.doc-examples"; // inside the package, so `import "tilecast"` resolves to it
mkdirSync(dir, { recursive: true });
all.forEach((ex, i) => {
  const scratch = join(root, `ex-${i}`);
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(dir, `ex-${i}.mts`), `${ex.code.replaceAll("/tmp/", `${scratch}/`)}\nexport {};\n`);
});
writeFileSync(
  join(dir, "run.mts"),
  `const n = ${all.length};
const results: (string | null)[] = [];
for (let i = 0; i < n; i++) {
  try {
    await import(\`./ex-\${i}.mts\`);
    await new Promise((r) => setTimeout(r, 20)); // let subscriptions started by the example settle
    results.push(null);
  } catch (e) {
    results.push(String((e as Error)?.stack ?? e).split("\\n").slice(0, 3).join(" | "));
  }
}
process.stdout.write(\`@@RESULTS@@\${JSON.stringify(results)}\\n\`);
process.exit(0);
`,
);
const stdout = execFileSync(process.execPath, ["--import", "tsx", join(dir, "run.mts")], {
  encoding: "utf8",
  env: { ...process.env, TILECAST_BACKEND: "cpu" },
  maxBuffer: 64 * 1024 * 1024,
});
const results = JSON.parse(stdout.split("@@RESULTS@@")[1] ?? "[]") as (string | null)[];

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
});

describe("TSDoc examples", () => {
  it("there are examples on the public modules", () => {
    expect(all.length).toBeGreaterThan(80);
    expect(results).toHaveLength(all.length);
  });

  it.each(all.map((ex, i) => [ex.id, i] as const))("%s runs", (_id, i) => {
    expect(results[i]).toBeNull();
  });
});
