/**
 * What ships inside the package: the ready pipelines, the demo scene and the trained models,
 * found relative to the installed package, never the working directory. A bundled pipeline is run
 * by name (`tilecast run scene-water`); its outputs then go under `./out/` of the current
 * directory instead of beside the pipeline file inside the package.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** The installed package's root directory. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The bundled demo scene. */
export const DEMO_SCENE = join(PACKAGE_ROOT, "fixtures/demo/scene.s2like.u16.4b.tif");

/** The output keys of a pipeline file that name files it writes. */
const OUTPUT_KEYS = [
  ["output", "path"],
  ["output", "quicklook"],
  ["output", "classes"],
  ["train", "output"],
  ["train", "checkpoints"],
  ["normalize", "saveStats"],
] as const;

/**
 * For `name` naming a bundled pipeline (and not an existing path): its file, and `--set`
 * overrides that put each of its outputs under `outDir` (default `./out`).
 */
export function bundledPipeline(name: string, outDir = "out"): { file: string; sets: string[] } | null {
  if (existsSync(name) || !/^[a-z0-9][a-z0-9-]*$/.test(name)) return null;
  const file = join(PACKAGE_ROOT, "pipelines", `${name}.yaml`);
  if (!existsSync(file)) return null;
  const doc = (parse(readFileSync(file, "utf8")) ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const sets: string[] = [];
  for (const [section, key] of OUTPUT_KEYS) {
    const v = doc[section]?.[key];
    if (typeof v === "string") sets.push(`${section}.${key}=${resolve(outDir, basename(v))}`);
  }
  return { file, sets };
}
