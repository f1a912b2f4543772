/**
 * Character data of the XML in GDAL's tags and sidecars (the GDAL_METADATA tag, `.aux.xml`):
 * escaped as GDAL escapes it, unescaped with the named entities and numeric ones (`&#10;`), which
 * other writers of these files use.
 *
 * Internal (used by `gdal-tags.ts` and `pam.ts`).
 */

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** `s` with its entities (named and numeric) replaced; one naming no character is kept as written. */
export function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,8}|#\d{1,10}|[a-z]+);/gi, (m, e: string) => {
    if (e[0] !== "#") return ENTITIES[e] ?? m;
    const cp = e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** `s` escaped for XML character data and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
