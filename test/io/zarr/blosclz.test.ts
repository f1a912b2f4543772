import { describe, expect, it } from "vitest";
import { decodeBloscLz } from "../../../src/io/zarr/blosclz.js";

const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");
const bytes = (...v: (number | string)[]) =>
  Uint8Array.from(v.flatMap((x) => (typeof x === "string" ? [...Buffer.from(x, "latin1")] : [x])));

describe("BloscLZ streams built by hand", () => {
  it("literals, runs, matches and long matches decode as the format says", () => {
    // A literal of 3 (control 2; the first control's level marker, 1 << 5, is ignored).
    expect(text(decodeBloscLz(bytes(0x22, "abc"), 3))).toBe("abc");
    // A literal of 1, then a match of 3 at distance 1: a run of the last byte.
    expect(text(decodeBloscLz(bytes(0x00, "x", 0x20, 0x00), 4))).toBe("xxxx");
    // A long match: control 7 << 5 adds the next byte (3) to 6, so 9 + 3 = 12 bytes.
    expect(text(decodeBloscLz(bytes(0x00, "A", 0xe0, 0x03, 0x00), 13))).toBe("A".repeat(13));
    // A match 4 back of 5 bytes (control (3 << 5), distance byte 3: 3 + 1), then a literal of 2.
    expect(text(decodeBloscLz(bytes(0x03, "abcd", 0x60, 0x03, 0x01, "yz"), 11))).toBe("abcdabcdayz");
  });

  it("a far match: a 16-bit distance plus 8192", () => {
    // 8200 bytes of literal (in runs of 32), then a match of 3 from 8200 back: distance 8 + 8192.
    const lit = Array.from({ length: 8200 }, (_, i) => (i * 13) % 251);
    const parts: number[] = [];
    for (let i = 0; i < lit.length; i += 32) {
      const run = lit.slice(i, i + 32);
      parts.push(run.length - 1, ...run);
    }
    const far = [(1 << 5) + 31, 255, 0, 8];
    const out = decodeBloscLz(Uint8Array.from([...parts, ...far]), 8203);
    expect(Array.from(out.subarray(8200))).toStrictEqual(lit.slice(0, 3));
  });

  it.each([
    ["a literal past the stream's end", bytes(0x05, "a"), 6, "a literal runs past the end of the stream"],
    ["a literal past the block", bytes(0x05, "abcdef"), 4, "a literal runs past the 4 bytes of the block"],
    ["a match before the block's start", bytes(0x00, "a", 0x20, 0x05), 4, "a match at byte 1 reaches 5 bytes before"],
    ["a match past the block", bytes(0x00, "a", 0x40, 0x00), 3, "a match runs past the 3 bytes of the block"],
    ["a long match cut short", bytes(0x00, "a", 0xe0, 0xff), 300, "the stream ends inside a run"],
    ["fewer bytes than the block", bytes(0x02, "abc"), 5, "the stream decodes to 3 bytes, not 5"],
  ])("%s is an error", (_what, stream, size, message) => {
    expect(() => decodeBloscLz(stream, size)).toThrow(message);
  });
});
