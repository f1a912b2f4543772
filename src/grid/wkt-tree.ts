/**
 * WKT (1, 2 or ESRI's) as a tree of elements, for reading a CRS's parts by keyword: its method,
 * parameters, ellipsoid and units (wkt-proj.ts, rotated-pole-wkt.ts).
 *
 * Internal.
 */
import { splitWkt } from "./wkt-split.js";

/** An element: its keyword and children, sub-elements as nodes and the rest (names, numbers) as text. */
export interface WktNode {
  keyword: string;
  children: (WktNode | string)[];
}

/** `text` as a tree, or null where it is not one bracketed element. */
export function wktTree(text: string): WktNode | null {
  const s = splitWkt(text);
  if (!s) return null;
  const child = (c: string) => (/^[A-Z_]+\s*[[(]/i.test(c) ? (wktTree(c) ?? c) : c);
  return { keyword: s.keyword, children: s.children.map(child) };
}

/** `n`'s child elements named one of `keywords`. */
export const elements = (n: WktNode | null | undefined, ...keywords: string[]): WktNode[] =>
  (n?.children ?? []).filter((c): c is WktNode => typeof c !== "string" && keywords.includes(c.keyword));

/** `n`'s first child element named one of `keywords`. */
export const first = (n: WktNode | null | undefined, ...keywords: string[]): WktNode | undefined =>
  elements(n, ...keywords)[0];

/** The first element named one of `keywords` anywhere under `n`, depth first. */
export function deep(n: WktNode | null | undefined, keywords: string[]): WktNode | undefined {
  for (const c of n?.children ?? []) {
    if (typeof c === "string") continue;
    if (keywords.includes(c.keyword)) return c;
    const hit = deep(c, keywords);
    if (hit) return hit;
  }
  return undefined;
}

/** A unit element's factor (its second child), or `d` where there is none. */
export const factor = (u: WktNode | undefined, d: number): number => (u ? Number(u.children[1]) : d);

/** A name compared across dialects: unquoted, lower-cased, letters and digits only. */
export const wktName = (s: unknown): string =>
  String(s ?? "")
    .replace(/^"|"$/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");

/** `v` in a unit of `radians` radians, in degrees (WKT's degree, 0.0174532925199433, as exact). */
export function degrees(v: number, radians: number): number {
  return Math.abs(radians * (180 / Math.PI) - 1) < 1e-12 ? v : (v * radians * 180) / Math.PI;
}
