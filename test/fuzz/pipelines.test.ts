/**
 * Pipeline files under seeded hostile edits: every mutated file either loads or fails with a
 * one-line TilecastError naming it (and a line where there is one); with an output root, a
 * pipeline that loads either writes inside the root or is refused. Never another error, never a
 * hang (alias bombs included).
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isTilecastError } from "../../src/errors.js";
import { parsePipeline } from "../../src/pipeline/config.js";
import { checkOutputRoot } from "../../src/pipeline/output-root.js";
import { rng } from "./mutate.js";

const root = mkdtempSync(join(tmpdir(), "tilecast-root-"));
// Pipeline files sit in ROOT/pipelines (their outputs, ../out/..., land in ROOT/out); a symlink
// inside the root points out of it.
mkdirSync(join(root, "pipelines", "out"), { recursive: true });
symlinkSync("/etc", join(root, "pipelines", "out", "escape"));

const VALUES = ["-1", "0", "1e9", "1e400", "abc", "[]", "{}", "null", "true", `"${"x".repeat(5000)}"`, "0.5", "-1e9"];
const PATHS = [
  "../../../../etc/x.tif",
  "/etc/x.tif",
  "out/escape/x.tif",
  "out/ok.tif",
  "out/sub/../ok.tif",
  "out/../../x.tif",
];

function mutate(text: string, r: () => number): string {
  const lines = text.split("\n");
  const i = Math.floor(r() * lines.length);
  const line = lines[i] ?? "";
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T;
  switch (Math.floor(r() * 9)) {
    case 0: // a scalar becomes something else
      lines[i] = line.replace(/:\s*(.+)$/, `: ${pick(VALUES)}`);
      break;
    case 1:
      lines.splice(i, 1);
      break;
    case 2:
      lines.splice(i, 0, `${line.match(/^\s*/)?.[0] ?? ""}unknownKey${Math.floor(r() * 9)}: 1`);
      break;
    case 3:
      lines.splice(i, 0, line);
      break;
    case 4: {
      const bomb = ['x: &a ["l","l","l","l","l","l","l","l","l"]'];
      for (let k = 1; k < 8; k++)
        bomb.push(
          `x${k}: &a${k} [${Array(9)
            .fill(k === 1 ? "*a" : `*a${k - 1}`)
            .join(",")}]`,
        );
      lines.unshift(...bomb);
      break;
    }
    case 5:
      return text.slice(0, Math.floor(r() * text.length));
    case 6: {
      const b = Buffer.from(text);
      b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 7);
      return b.toString("latin1");
    }
    case 7:
      return text.replace(/(output:\s*\n\s*)path: \S+/, `$1path: ${pick(PATHS)}`);
    default:
      lines[i] = `${"  ".repeat(Math.floor(r() * 40))}${line.trim()}`;
  }
  return lines.join("\n");
}

describe("fuzzing pipeline files", () => {
  it("400 mutated pipelines: load, or a one-line error naming the file; outputs stay in the root", async () => {
    const files = ["scene-ndvi", "scene-water", "scene-identity", "era5-global"].map((n) =>
      readFileSync(`pipelines/${n}.yaml`, "utf8"),
    );
    const r = rng(7);
    const counts = { loaded: 0, refused: 0, outsideRoot: 0, inside: 0 };
    const bad: string[] = [];
    for (let k = 0; k < 400; k++) {
      const file = join(root, "pipelines", `case-${k}.yaml`);
      const text = mutate(files[k % files.length] as string, r);
      const t0 = performance.now();
      try {
        const p = parsePipeline(text, file);
        counts.loaded++;
        try {
          await checkOutputRoot(p, root);
          counts.inside++;
        } catch (e) {
          if (isTilecastError(e) && e.code === "E_ARGUMENT" && e.message.includes("outside the output root"))
            counts.outsideRoot++;
          else bad.push(`${k}: root check: ${String(e)}`);
        }
      } catch (e) {
        if (isTilecastError(e) && e.message.startsWith(`${file}: `) && !e.message.includes("\n")) counts.refused++;
        else bad.push(`${k}: ${String(e)}`);
      }
      if (performance.now() - t0 > 2000) bad.push(`${k}: took ${Math.round(performance.now() - t0)} ms`);
    }
    console.log("pipeline fuzz", JSON.stringify(counts));
    expect(bad).toStrictEqual([]);
    expect(counts.refused).toBeGreaterThan(100);
    expect(counts.outsideRoot).toBeGreaterThan(10);
    expect(counts.inside).toBeGreaterThan(0);
  });
});
