/** Every example in the README runs: TypeScript blocks, `npx tilecast` lines, the error sample. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Examples write under /tmp/...; each test run gets its own directory instead. */
const scratch = mkdtempSync(join(tmpdir(), "tilecast-readme-"));
const inScratch = (text: string) => text.replaceAll("/tmp/", `${scratch}/`);

const readme = readFileSync("README.md", "utf8");
const blocks = (lang: string) =>
  [...readme.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, "g"))].map((m) => m[1] ?? "");

describe("README", () => {
  it("has exactly the two quick-start commands", () => {
    const quick = readme.split("## Quick start")[1]?.split("##")[0] ?? "";
    expect(
      blocks("bash")
        .find((b) => quick.includes(b))
        ?.trim()
        .split("\n"),
    ).toStrictEqual(["npm install && npm run demo", "npm test"]);
  });

  it.each(blocks("ts").map((code, i) => [i, code]))("TypeScript example %i runs", (i, code) => {
    const dir = "test/.readme-examples"; // inside the package, so `import "tilecast"` resolves to it
    mkdirSync(dir, { recursive: true });
    const file = `${dir}/example-${i}.mts`;
    writeFileSync(file, inScratch(code));
    try {
      const out = execFileSync(process.execPath, ["--import", "tsx", file], { encoding: "utf8" });
      expect(out.trim().length).toBeGreaterThan(0);
    } finally {
      rmSync(file);
    }
  });

  it("the pipe() example writes the scene losslessly", async () => {
    const { openGeoTiff } = await import("../src/index.js");
    const a = await openGeoTiff("fixtures/demo/scene.s2like.u16.4b.tif");
    const b = await openGeoTiff(`${scratch}/readme-copy.tif`); // written by the example above
    const w = { x: 0, y: 0, width: 512, height: 512 };
    expect(
      Buffer.from((await b.readWindow(w)).data.buffer).equals(Buffer.from((await a.readWindow(w)).data.buffer)),
    ).toBe(true);
    expect(b.meta.georef).toStrictEqual(a.meta.georef);
    await a.close();
    await b.close();
  });

  it.each(
    blocks("bash")
      .flatMap((b) => b.split("\n"))
      .filter((l) => l.startsWith("npx tilecast")),
  )("%s", (line) => {
    const args = inScratch(line.replace(/^npx tilecast /, "")).split(/\s+/);
    // Progress lines go to stderr where the work takes over a second (convert, a run of cycles).
    if (["convert", "nowcast", "forecast"].includes(args[0] ?? "")) args.push("--quiet");
    const r = spawnSync(process.execPath, ["bin/tilecast.js", ...args], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("the error sample is what the command prints", () => {
    const sample = blocks("text").find((b) => b.includes("$ npx tilecast")) ?? "";
    const [cmd, ...want] = sample.trim().split("\n");
    const r = spawnSync(
      process.execPath,
      ["bin/tilecast.js", ...(cmd ?? "").replace("$ npx tilecast ", "").split(" ")],
      { encoding: "utf8" },
    );
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(want.join("\n"));
  });

  it("the demo runs and reports its outputs", () => {
    const demo = join(scratch, "demo");
    const out = execFileSync(process.execPath, ["bin/tilecast.js", "demo", "--out", demo], {
      encoding: "utf8",
    });
    for (const f of ["scene.tif", "scene.json", "scene.png"]) expect(out).toContain(`${demo}/${f}`);
    const info = JSON.parse(readFileSync(`${demo}/scene.json`, "utf8"));
    expect(info).toMatchObject({
      width: 512,
      height: 512,
      bands: 4,
      dtype: "uint16",
      bandNames: ["blue", "green", "red", "nir"],
    });
  });
});
