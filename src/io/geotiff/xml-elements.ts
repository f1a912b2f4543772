/**
 * The `<name ...>body</name>` elements of a small XML document (GDAL_METADATA, an `.aux.xml`
 * sidecar), in order, in one forward pass. Regular expressions with a lazy body or an attribute
 * run to the next `>` rescan the rest of the text at every unclosed opening, which a hostile file
 * of a few megabytes turns into hours; this never looks at a character twice for long.
 *
 * Internal (used by `gdal-metadata.ts` and `pam-metadata.ts`).
 */

/** One element: its attribute text, its body (raw, still escaped) and where it lies. */
export interface XmlElement {
  readonly attrs: string;
  readonly body: string;
  readonly start: number;
  readonly end: number;
}

/** The elements named `name` in `xml`, not nested ones; it stops at the first left unclosed. */
export function* xmlElements(xml: string, name: string): Generator<XmlElement> {
  const open = `<${name}`;
  const close = `</${name}>`;
  let at = xml.indexOf(open);
  while (at >= 0) {
    const after = xml[at + open.length] ?? "";
    if (!/[\s>/]/.test(after)) {
      at = xml.indexOf(open, at + open.length);
      continue;
    }
    const gt = xml.indexOf(">", at);
    if (gt < 0) return;
    const attrs = xml.slice(at + open.length, xml[gt - 1] === "/" ? gt - 1 : gt);
    if (xml[gt - 1] === "/") {
      yield { attrs, body: "", start: at, end: gt + 1 };
      at = xml.indexOf(open, gt + 1);
      continue;
    }
    const c = xml.indexOf(close, gt + 1);
    if (c < 0) return; // no later element can close either
    yield { attrs, body: xml.slice(gt + 1, c), start: at, end: c + close.length };
    at = xml.indexOf(open, c + close.length);
  }
}

/** The unescaped value of attribute `name` in an element's attribute text, or undefined. */
export function xmlAttr(attrs: string, name: string, unescape: (s: string) => string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attrs);
  return m ? unescape(m[1] as string) : undefined;
}
