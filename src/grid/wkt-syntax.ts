/**
 * Whether a text is well-formed WKT (1 or 2): one `KEYWORD[...]` whose contents are quoted texts
 * (a doubled `""` inside one is a quote), numbers, bare words (`EAST`, `Cartesian`) and nested
 * keywords, separated by commas, with `[]` or `()` around each, and nothing after it. What the
 * keywords mean is not checked here; a WKT cut short (an attribute truncated by its writer) or a
 * text that only begins like WKT is caught before it is written on as a CRS.
 *
 * @example
 * wktProblem('GEOGCS["WGS 84",DATUM["WGS_1984"') // "unclosed DATUM[ at character 16"
 * wktProblem('GEOGCS["WGS 84"]') // null
 */

const OPEN: Record<string, string> = { "[": "]", "(": ")" };

/** What makes `text` not WKT (one short phrase), or null where it is well-formed. */
export function wktProblem(text: string): string | null {
  const t = text;
  let i = 0;
  const space = () => {
    while (i < t.length && /\s/.test(t[i] as string)) i++;
  };
  const word = (): string => {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(t.slice(i, i + 64));
    if (!m) return "";
    i += m[0].length;
    return m[0];
  };
  // One keyword with its bracketed contents, from i; the problem, or null.
  const node = (depth: number): string | null => {
    if (depth > 64) return "nested too deep";
    const start = i;
    const key = word();
    if (!key) return `expected a keyword at character ${start}`;
    space();
    const close = OPEN[t[i] as string];
    if (!close) return `expected '[' after ${key} at character ${i}`;
    i++;
    for (;;) {
      space();
      const problem = value(depth);
      if (problem) return problem;
      space();
      if (t[i] === ",") {
        i++;
        continue;
      }
      if (t[i] === close) {
        i++;
        return null;
      }
      return i >= t.length ? `unclosed ${key}[ at character ${start}` : `unexpected '${t[i]}' at character ${i}`;
    }
  };
  // A quoted text, a number, a bare word or a nested keyword.
  const value = (depth: number): string | null => {
    const c = t[i];
    if (c === undefined) return "ends inside a keyword's contents";
    if (c === '"') {
      for (i++; i < t.length; i++) {
        if (t[i] !== '"') continue;
        if (t[i + 1] === '"') i++;
        else {
          i++;
          return null;
        }
      }
      return "a quoted text is not closed";
    }
    // A number, or WKT 2's date and time (`TIMEORIGIN[1970-01-01T00:00:00Z]`).
    const n = /^(\d{4}-\d\d(-\d\d)?(T[\d:.]+(Z|[+-]\d\d(:?\d\d)?)?)?|[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(
      t.slice(i, i + 64),
    );
    if (n) {
      i += n[0].length;
      return null;
    }
    const at = i;
    if (!word()) return `unexpected '${c}' at character ${at}`;
    space();
    if (!OPEN[t[i] as string]) return null;
    i = at;
    return node(depth + 1);
  };
  space();
  const problem = node(0);
  if (problem) return problem;
  space();
  return i < t.length ? `text after the closing bracket at character ${i}` : null;
}
