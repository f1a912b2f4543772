/** `--set KEY=VALUE` overrides of a pipeline file (and of `tilecast model`'s options). */
import { parse as parseYaml } from "yaml";
import { TilecastError } from "../errors.js";

/** Names that reach an object's prototype rather than a key of a pipeline file. */
const NOT_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Set `a.b.c = value` in a plain object tree (creating objects on the way). */
export function setPath(root: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split(".");
  const bad = parts.find((p) => p === "" || NOT_KEYS.has(p));
  if (bad !== undefined)
    throw new TilecastError("E_ARGUMENT", `--set ${key}: '${bad}' is not a key of a pipeline file`);
  let node = root;
  for (const p of parts.slice(0, -1)) {
    const next = node[p];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Parse `key=value` overrides (values as YAML: numbers, booleans, lists). */
export function parseSets(sets: readonly string[]): [string, unknown][] {
  return sets.map((s) => {
    const i = s.indexOf("=");
    if (i <= 0) throw new TilecastError("E_ARGUMENT", `--set takes KEY=VALUE, got '${s}'`);
    return [s.slice(0, i), parseYaml(s.slice(i + 1))];
  });
}
