import { describe, expect, it } from "vitest";
import { parseGdalMetadata } from "../../../src/io/geotiff/gdal-metadata.js";
import { escapeXml, unescapeXml } from "../../../src/io/geotiff/xml-text.js";

describe("GDAL's XML text", () => {
  it("unescapes named and numeric entities, and nothing twice", () => {
    expect(unescapeXml("a &lt;b&gt; &quot;c&quot; &apos;d&apos; &amp;lt; x&#10;y &#x41;")).toBe(
      `a <b> "c" 'd' &lt; x\ny A`,
    );
    expect(unescapeXml("&#99999999; &bogus; &")).toBe("&#99999999; &bogus; &");
    expect(unescapeXml(escapeXml(`<"&'>`))).toBe(`<"&'>`);
  });

  it("a GDAL_METADATA item with a numeric entity (as other XML writers spell a newline) keeps its character", () => {
    const xml = `<GDALMetadata><Item name="history">made&#10;then cropped</Item><Item name="description" sample="0" role="description">red &amp; green</Item></GDALMetadata>`;
    expect(parseGdalMetadata(xml, 1)).toStrictEqual({ history: "made\nthen cropped", bandNames: ["red & green"] });
  });
});
