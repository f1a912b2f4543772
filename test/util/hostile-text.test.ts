/**
 * Text from hostile files that patterns with blanks around a lazy group used to rescan at every
 * position: 200,000 blanks now cost one pass. Before, the cost grew with the square of the run
 * (20,000 blanks in CF time units took 245 ms, 10,000 took 68), so these cases took tens of
 * seconds and a megabyte took hours.
 */
import { describe, expect, it } from "vitest";
import { TilecastError } from "../../src/errors.js";
import { parseCfTime } from "../../src/io/zarr/cf-time.js";

const blanks = " ".repeat(200_000);

describe("hostile text", () => {
  it("an error message keeps one line whatever its blanks, and reads as before", () => {
    const e = new TilecastError("E_FORMAT", `a${blanks}b \n \n  c\nd`, { path: "f" });
    expect(e.message).toBe(`f: a${blanks}b c d`);
    expect(new TilecastError("E_FORMAT", "  one\r\n two  \n").message).toBe("one two");
  });

  it("CF time units: blanks anywhere are one blank; 200,000 of them are an error, quoted short", () => {
    expect(parseCfTime([1], "  hours   since  2020-01-01 00:00:00 ")[0]?.toISOString()).toBe(
      "2020-01-01T01:00:00.000Z",
    );
    expect(() => parseCfTime([0], `days since 2000-01-01${blanks}x`)).toThrow(
      /^cannot parse the reference date in 'days since 2000-01-01 {59}'$/,
    );
    expect(() => parseCfTime([0], `fortnights${blanks}since 2000-01-01`)).toThrow(
      /^cannot decode time units 'fortnights {70}'$/,
    );
  });
});
