/**
 * The top level of a WKT element, `KEYWORD[child, child, ...]`: its keyword and its children's
 * text, split at the commas outside brackets and quoted names (WKT doubles a quote inside a
 * name). One pass over the text, whatever it holds.
 *
 * Internal (used by `crs.ts` for compound CRSs).
 */

/** `text`'s keyword and top-level children, or null when it is not one bracketed element. */
export function splitWkt(text: string): { keyword: string; children: string[] } | null {
  const t = text.trim();
  const m = /^([A-Z_]+)\s*[[(]/i.exec(t);
  if (!m) return null;
  const last = t[t.length - 1];
  if (last !== "]" && last !== ")") return null;
  const children: string[] = [];
  let depth = 0;
  let quoted = false;
  let from = m[0].length;
  for (let i = from; i < t.length - 1; i++) {
    const c = t[i];
    if (quoted) {
      if (c === '"') quoted = t[i + 1] === '"' ? (i++, true) : false;
    } else if (c === '"') quoted = true;
    else if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") {
      if (--depth < 0) return null;
    } else if (c === "," && depth === 0) {
      children.push(t.slice(from, i).trim());
      from = i + 1;
    }
  }
  if (depth !== 0 || quoted) return null;
  children.push(t.slice(from, t.length - 1).trim());
  return { keyword: (m[1] as string).toUpperCase(), children };
}
