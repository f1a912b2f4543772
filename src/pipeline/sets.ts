/** `--set KEY=VALUE` overrides of a pipeline file (and of `tilecast model`'s options). */
import { parseDocument } from "yaml";
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

/**
 * A `--set` value: YAML where it reads as a number, boolean or null, a flow-style list or map
 * (`[1, 2]`, `{a: 1}`), or a quoted string; any other text as written. Read as YAML, a path lost what follows ` #` (a comment:
 * `out/scene #3.tif` became `out/scene`), `&a.tif` became null and `!a.tif` empty (an anchor, a
 * tag), and `{scene}.tif` or `@a.tif` failed as an internal error.
 */
function setValue(text: string): unknown {
  let v: unknown;
  try {
    const doc = parseDocument(text, { logLevel: "silent" });
    if (doc.errors.length > 0 || doc.warnings.length > 0) return text;
    v = doc.toJS();
  } catch {
    return text; // an alias to no anchor (`*.tif`)
  }
  const t = text.trim();
  if (typeof v === "string") return /^["']/.test(t) ? v : text;
  if (v === null) return /^(|~|null|Null|NULL)$/.test(t) ? null : text;
  // Lists and maps in flow style only: `out/a: b.tif` is a path, not a map.
  if (Array.isArray(v)) return t.startsWith("[") ? v : text;
  if (typeof v === "object") return t.startsWith("{") ? v : text;
  return v;
}

/** Parse `key=value` overrides (values as {@link setValue} reads them). */
export function parseSets(sets: readonly string[]): [string, unknown][] {
  return sets.map((s) => {
    const i = s.indexOf("=");
    if (i <= 0) throw new TilecastError("E_ARGUMENT", `--set takes KEY=VALUE, got '${s}'`);
    return [s.slice(0, i), setValue(s.slice(i + 1))];
  });
}
