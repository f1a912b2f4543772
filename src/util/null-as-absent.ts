/**
 * Validation that reads a null member of an object as the member left out, where the schema
 * takes no null there. YAML's `key:` and `key: null`, and `--set key=null`, then unset a key, as
 * Helm's `--set key=null` does: a bundled pipeline's quicklook or class raster is switched off,
 * and a key with a default goes back to it, instead of failing as a wrong type. A key that takes
 * null as a value of its own (an output's `nodata: null`: no nodata value) keeps it; a required
 * key left null is reported as missing. Nulls in lists are values, checked as such.
 *
 * Internal (pipeline files, model options and output options are checked with it).
 */
import type { z } from "zod";

type PlainObject = Record<PropertyKey, unknown>;

const isPlainObject = (v: unknown): v is PlainObject => {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** `v` without the null object member at `path` (the containers on the way copied), or null when there is none. */
function withoutNullAt(v: unknown, path: readonly PropertyKey[]): { value: unknown } | null {
  const [key, ...rest] = path;
  if (key === undefined) return null;
  if (rest.length === 0) {
    if (!isPlainObject(v) || !Object.hasOwn(v, key) || v[key] !== null) return null;
    const { [key]: _dropped, ...others } = v;
    return { value: others };
  }
  if (Array.isArray(v) && typeof key === "number") {
    const inner = withoutNullAt(v[key], rest);
    if (!inner) return null;
    const copy = [...v];
    copy[key] = inner.value;
    return { value: copy };
  }
  if (!isPlainObject(v)) return null;
  const inner = withoutNullAt(v[key], rest);
  return inner && { value: { ...v, [key]: inner.value } };
}

/**
 * `schema.safeParse(value)`, with each null object member the schema rejects left out and the
 * value checked again; `value` itself is not modified. The result's issues are those of the
 * last check.
 */
export function safeParseNullAsAbsent<S extends z.ZodType>(
  schema: S,
  value: unknown,
): z.ZodSafeParseResult<z.output<S>> {
  let current = value;
  for (;;) {
    const r = schema.safeParse(current);
    if (r.success) return r;
    const dropped = withoutNullAt(current, r.error.issues[0]?.path ?? []);
    if (!dropped) return r;
    current = dropped.value;
  }
}
