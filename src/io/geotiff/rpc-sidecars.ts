/**
 * A GeoTIFF's RPCs (`grid/rpc.ts`): from its RPCCoefficient tag, else from the sidecars satellite
 * deliveries put beside it and GDAL reads, `<name>.RPB` (DigitalGlobe's, `key = value;` with
 * parenthesised lists) and `<name>_RPC.TXT` (`KEY: value`, units after the number). A sidecar
 * that is there but does not hold the 92 numbers is an error naming it, not a scene silently
 * read without its geometry.
 *
 * Internal (used by `georef-sources.ts`).
 */
import { dirname, join, parse } from "node:path";
import { TilecastError } from "../../errors.js";
import { RPC_COUNT } from "../../grid/rpc.js";
import { besidePath } from "../../util/url.js";
import { firstSidecar } from "../sidecar-text.js";

/** The 12 leading values, by their names in `_RPC.TXT` and `.RPB`. */
const SCALARS: [string, string][] = [
  ["ERR_BIAS", "errBias"],
  ["ERR_RAND", "errRand"],
  ["LINE_OFF", "lineOffset"],
  ["SAMP_OFF", "sampOffset"],
  ["LAT_OFF", "latOffset"],
  ["LONG_OFF", "longOffset"],
  ["HEIGHT_OFF", "heightOffset"],
  ["LINE_SCALE", "lineScale"],
  ["SAMP_SCALE", "sampScale"],
  ["LAT_SCALE", "latScale"],
  ["LONG_SCALE", "longScale"],
  ["HEIGHT_SCALE", "heightScale"],
];
/** The four lists of 20 coefficients. */
const LISTS: [string, string][] = [
  ["LINE_NUM_COEFF", "lineNumCoef"],
  ["LINE_DEN_COEFF", "lineDenCoef"],
  ["SAMP_NUM_COEFF", "sampNumCoef"],
  ["SAMP_DEN_COEFF", "sampDenCoef"],
];

/** Far larger than any RPC sidecar (a few kilobytes). */
export const MAX_RPC_BYTES = 1024 * 1024;

/** The tag's numbers, when they are 92 finite ones (GDAL ignores a tag of another length). */
export function rpcFromTag(v: ArrayLike<number> | undefined): number[] | null {
  if (!v || v.length !== RPC_COUNT) return null;
  const a = Array.from(v, Number);
  return a.every(Number.isFinite) ? a : null;
}

/** The 92 numbers of an `.RPB` file's text. */
export function parseRpb(text: string, file: string): number[] {
  // The key, then its text to the next ';' (found once: a pattern running to ';' would rescan
  // the rest of the text at every repeat of a key with none after it).
  const value = (key: string): string | undefined => {
    const m = new RegExp(`(?:^|[\\s;])${key}\\s*=`, "i").exec(text);
    if (!m) return undefined;
    const from = m.index + m[0].length;
    const end = text.indexOf(";", from);
    return text.slice(from, end < 0 ? from + 40 : end);
  };
  const out: number[] = [];
  for (const [, key] of SCALARS) out.push(number(value(key), key, file));
  for (const [, key] of LISTS) out.push(...list(value(key)?.replace(/[()]/g, " "), key, file));
  return out;
}

/** The 92 numbers of an `_RPC.TXT` file's text. */
export function parseRpcTxt(text: string, file: string): number[] {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Z_0-9]+)\s*:\s*(\S+)/i.exec(line);
    if (m) values.set((m[1] as string).toUpperCase(), m[2] as string);
  }
  const out: number[] = [];
  for (const [key] of SCALARS) out.push(number(values.get(key), key, file));
  for (const [key] of LISTS)
    for (let i = 1; i <= 20; i++) out.push(number(values.get(`${key}_${i}`), `${key}_${i}`, file));
  return out;
}

/** The 92 numbers of GDAL's RPC metadata domain (lists as space-separated text), as a sidecar keeps them. */
export function rpcFromItems(items: Readonly<Record<string, string>>, file: string): number[] {
  const get = (k: string) => (Object.hasOwn(items, k) ? items[k] : undefined);
  const out: number[] = [];
  for (const [key] of SCALARS) out.push(number(get(key), key, file));
  for (const [key] of LISTS) out.push(...list(get(key), key, file));
  return out;
}

/** One value's number, or an error naming the file and the key. */
function number(text: string | undefined, key: string, file: string): number {
  const v = text === undefined ? Number.NaN : Number(text.trim());
  if (!Number.isFinite(v))
    throw new TilecastError(
      "E_FORMAT",
      text === undefined ? `its RPCs lack ${key}` : `its RPC ${key} is not a number ('${text.trim().slice(0, 30)}')`,
      { path: file },
    );
  return v;
}

/** A list of 20 numbers, or an error naming the file and the key. */
function list(text: string | undefined, key: string, file: string): number[] {
  const parts = (text ?? "").split(/[\s,]+/).filter(Boolean);
  if (parts.length !== 20)
    throw new TilecastError("E_FORMAT", `its RPC ${key} has ${parts.length} coefficients, not 20`, { path: file });
  return parts.map((p) => number(p, key, file));
}

/** The names GDAL tries for the RPC sidecars of `path` (local or a URL), in its order. */
export function rpcSidecarNames(path: string): string[] {
  const beside = (suffix: string) => besidePath(path, (p) => `${join(dirname(p), parse(p).name)}${suffix}`);
  return [".RPB", ".rpb", "_RPC.TXT", "_rpc.txt"].map(beside);
}

/** The RPCs of the sidecars beside the raster `path` (local or a URL), or null where it has none. */
export async function readRpcSidecars(path: string): Promise<number[] | null> {
  const parsers = [parseRpb, parseRpb, parseRpcTxt, parseRpcTxt];
  const names = rpcSidecarNames(path);
  const found = await firstSidecar(names, MAX_RPC_BYTES);
  return found && (parsers[names.indexOf(found.name)] as typeof parseRpb)(found.text, found.name);
}
