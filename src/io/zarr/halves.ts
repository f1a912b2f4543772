/**
 * float16 arrays on zarrita, which needs a Float16Array that Node 20 does not have: a store's
 * metadata is read with each float16 array turned into uint16 (the halves' bit patterns, fill
 * value included), and the reader widens those bits to float32 (read.ts), as GDAL widens
 * GeoTIFF halves. The same pass adapts v2 arrays' scaled filters for zarrita (scaled-filters.ts)
 * and reads datetime64 arrays as their int64 counts (datetimes.ts).
 */
import type { AbsolutePath } from "@zarrita/storage";
import { numberToHalf } from "../../util/half.js";
import { rewriteDatetime } from "./datetimes.js";
import { adaptScaledFilters } from "./scaled-filters.js";

type Meta = Record<string, unknown>;

/** A v2/v3 fill value (number, "NaN", "Infinity", "-Infinity", v3 "0x..." bits) as half bits. */
function fillBits(v: unknown): unknown {
  if (typeof v === "number") return numberToHalf(v);
  if (typeof v !== "string") return v;
  if (/^0x[0-9a-f]{1,4}$/i.test(v)) return Number.parseInt(v.slice(2), 16);
  const special: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, "-Infinity": -Infinity };
  return v in special ? numberToHalf(special[v] as number) : v;
}

/** Turn one array's metadata into uint16 when it is float16; true when it was. */
function rewrite(m: Meta): boolean {
  if (typeof m.dtype === "string" && /^[<>|]f2$/.test(m.dtype)) {
    m.dtype = `${m.dtype[0] === ">" ? ">" : "<"}u2`;
  } else if (m.node_type === "array" && m.data_type === "float16") {
    m.data_type = "uint16";
  } else return false;
  m.fill_value = fillBits(m.fill_value);
  return true;
}

/**
 * The metadata document at `key` with its float16 arrays turned to uint16, their paths added to
 * `halves`, and its datetime64 arrays to int64, their counts' units in `times`.
 */
function rewriteDocument(key: string, bytes: Uint8Array, halves: Set<string>, times: Map<string, string>): Uint8Array {
  const text = new TextDecoder().decode(bytes);
  if (!/f2"|"float16"|"fixedscaleoffset"|"astype"|[Mm]8\[/.test(text)) return bytes;
  let doc: Meta;
  try {
    doc = JSON.parse(text) as Meta;
  } catch {
    return bytes; // malformed metadata is reported by whoever parses it next
  }
  let changed = false;
  // One array's metadata adapted in place: scaled filters, a datetime64 dtype, a float16 one.
  const adapt = (m: Meta, path: string) => {
    if (adaptScaledFilters(m)) changed = true;
    const units = rewriteDatetime(m);
    if (units) times.set(path, units);
    const half = rewrite(m);
    if (half) halves.add(path);
    if (units || half) changed = true;
  };
  const each = (entries: unknown, suffix: string) => {
    if (!entries || typeof entries !== "object") return;
    for (const [k, m] of Object.entries(entries as Record<string, Meta>))
      if (k.endsWith(suffix) && m && typeof m === "object")
        adapt(m, k.slice(0, k.length - suffix.length).replace(/\/$/, ""));
  };
  if (key.endsWith(".zmetadata")) each(doc.metadata, ".zarray");
  else if (key.endsWith(".zarray") || key.endsWith("zarr.json")) {
    const suffix = key.endsWith(".zarray") ? ".zarray" : "zarr.json";
    adapt(doc, key.slice(1, key.length - suffix.length).replace(/\/$/, ""));
    each((doc.consolidated_metadata as Meta | undefined)?.metadata, "");
  }
  return changed ? new TextEncoder().encode(JSON.stringify(doc)) : bytes;
}

/**
 * Make `store` read float16 arrays as uint16 bit patterns (and datetime64 arrays as int64, their
 * paths and units put in `times`). Returns the set of array paths ("t2m", "group/var", "" for a
 * root array) found to be float16, filled as metadata is read.
 */
export function readHalvesAsBits(
  store: {
    get(key: AbsolutePath, opts?: { signal?: AbortSignal }): Promise<Uint8Array | undefined>;
  },
  times = new Map<string, string>(),
): Set<string> {
  const halves = new Set<string>();
  const get = store.get.bind(store);
  store.get = async (key, opts) => {
    const b = await get(key, opts);
    return b && /(\.zarray|\.zmetadata|zarr\.json)$/.test(key) ? rewriteDocument(key, b, halves, times) : b;
  };
  return halves;
}
