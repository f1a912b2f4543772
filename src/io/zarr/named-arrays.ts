/**
 * The arrays to open of a store that cannot be listed: one over http(s) without consolidated
 * metadata (a plain web server or object store lists no directory). They are the variable asked
 * for and the arrays its metadata names, each looked for where it would lie, in the variable's own
 * group: its dimensions' coordinate variables, and CF's `coordinates`, `grid_mapping` (either
 * form) and `bounds`. A name that is not an array there is left out, as xarray leaves out a
 * coordinate that is not in the store.
 *
 * @example
 * ```ts internal
 * import * as zarr from "zarrita";
 * import { namedArrays } from "./named-arrays.js";
 * const store = new zarr.FetchStore("https://example.com/era5.zarr");
 * await namedArrays(store, "t2m", 2); // ["t2m", "time", "latitude", "longitude"]
 * ```
 */
import type * as zarr from "zarrita";
import { TilecastError } from "../../errors.js";

/** A JSON document of the store, or null when it is not there or is not JSON. */
async function document(store: zarr.Readable, key: string): Promise<Record<string, unknown> | null> {
  try {
    const bytes = await store.get(key as zarr.AbsolutePath);
    if (!bytes) return null;
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    return doc && typeof doc === "object" && !Array.isArray(doc) ? (doc as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Whether `name` is an array of the store, and its attributes and dimension names where it is. */
async function arrayAt(
  store: zarr.Readable,
  name: string,
  format: 2 | 3,
): Promise<{ attrs: Record<string, unknown>; dims: unknown } | null> {
  const at = name ? `/${name}` : "";
  if (format === 3) {
    const doc = await document(store, `${at}/zarr.json`);
    if (doc?.node_type !== "array") return null;
    const attrs = (doc.attributes ?? {}) as Record<string, unknown>;
    return { attrs, dims: doc.dimension_names ?? attrs._ARRAY_DIMENSIONS };
  }
  if (!(await document(store, `${at}/.zarray`))) return null;
  const attrs = (await document(store, `${at}/.zattrs`)) ?? {};
  return { attrs, dims: attrs._ARRAY_DIMENSIONS };
}

/** The names a CF attribute's text gives: `"lat lon"`, and `grid_mapping`'s `"crs: x y"` form. */
function namesIn(text: unknown): string[] {
  return typeof text === "string"
    ? text
        .split(/\s+/)
        .map((t) => t.replace(/:$/, ""))
        .filter(Boolean)
    : [];
}

/**
 * The arrays `variable`'s metadata names (its dimensions, `coordinates`, `grid_mapping`, `bounds`),
 * each in the variable's own group unless given from the root ("/crs"); `variable` left out.
 */
export function namedBy(variable: string, attrs: Readonly<Record<string, unknown>>, dims: unknown): string[] {
  const group = variable.includes("/") ? variable.slice(0, variable.lastIndexOf("/") + 1) : "";
  const own = Array.isArray(dims) ? dims.filter((d): d is string => typeof d === "string") : [];
  const named = [...own, ...["coordinates", "grid_mapping", "bounds"].flatMap((k) => namesIn(attrs[k]))].map((n) =>
    n.startsWith("/") ? n.slice(1) : `${group}${n}`,
  );
  return [...new Set(named)].filter((n) => n && n !== variable);
}

/**
 * `variable` and the arrays its metadata names (see the module documentation), or null when
 * `variable` is not an array of the store.
 */
export async function namedArrays(store: zarr.Readable, variable: string, format: 2 | 3): Promise<string[] | null> {
  const own = await arrayAt(store, variable, format);
  if (!own) return null;
  const wanted = namedBy(variable, own.attrs, own.dims);
  const found = await Promise.all(wanted.map(async (n) => ((await arrayAt(store, n, format)) ? n : null)));
  return [variable, ...found.filter((n): n is string => n !== null)];
}

/**
 * The arrays to open of a remote store without consolidated metadata, which cannot be listed: the
 * store's one array at its root, else `variable` and the arrays it names.
 *
 * @throws TilecastError naming the store: E_UNSUPPORTED with no variable named, E_ARGUMENT when
 *   `variable` is not there.
 */
export async function unlistedNames(
  store: zarr.Readable,
  format: 2 | 3,
  variable: string | undefined,
  path: string,
): Promise<string[]> {
  if (await arrayAt(store, "", format)) return [""];
  const unlisted = "the store has no consolidated metadata, so its arrays cannot be listed over HTTP";
  if (variable === undefined)
    throw new TilecastError(
      "E_UNSUPPORTED",
      `${unlisted}; name the variable to read (--var of inspect, convert and run)`,
      {
        path,
      },
    );
  const names = await namedArrays(store, variable, format);
  if (!names) throw new TilecastError("E_ARGUMENT", `variable '${variable}' does not exist (${unlisted})`, { path });
  return names;
}
