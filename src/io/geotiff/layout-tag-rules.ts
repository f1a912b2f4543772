/**
 * The baseline tags libtiff reads while it opens a directory, and refuses the file over ("Incompatible
 * type", "Incorrect count", "Incorrect value"; checked with GDAL 3.6, libtiff 4.5): the sizes, the
 * sample layout, the block tables, and the tags it reads with them, the sample range
 * (MinSampleValue, MaxSampleValue, SMinSampleValue, SMaxSampleValue) and SGI's DataType,
 * ImageDepth and TileDepth. tilecast uses few of the latter, but a file GDAL does not open is not
 * one tilecast reads either: a bit flipped in one of these entries is refused by name.
 * `ifd-scan.ts` applies these rules to every IFD of a local file.
 */

/**
 * Tags whose values must be integers (BYTE, SHORT, LONG, their signed kinds when not negative;
 * LONG8 in BigTIFF). A bit flip that turns one into a float, a string or an unknown type is
 * refused, as GDAL refuses it, instead of read as a fractional size or offset, or dropped.
 */
const INTEGER_TAGS = new Map([
  [256, "ImageWidth"],
  [257, "ImageLength"],
  [258, "BitsPerSample"],
  [259, "Compression"],
  [273, "StripOffsets"],
  [277, "SamplesPerPixel"],
  [278, "RowsPerStrip"],
  [279, "StripByteCounts"],
  [280, "MinSampleValue"],
  [281, "MaxSampleValue"],
  [284, "PlanarConfiguration"],
  [317, "Predictor"],
  [322, "TileWidth"],
  [323, "TileLength"],
  [324, "TileOffsets"],
  [325, "TileByteCounts"],
  [338, "ExtraSamples"],
  [339, "SampleFormat"],
  [32996, "DataType"],
  [32997, "ImageDepth"],
  [32998, "TileDepth"],
]);
/** Tags of one double per sample: a numeric type, exactly one value per sample. */
const DOUBLE_TAGS = new Map([
  [340, "SMinSampleValue"],
  [341, "SMaxSampleValue"],
]);
/** BYTE, SBYTE, SHORT, SSHORT, LONG, SLONG; BigTIFF adds LONG8 and SLONG8 (libtiff reads these tags from any). */
const INTEGER = new Set([1, 6, 3, 8, 4, 9]);
const INTEGER_BIG = new Set([...INTEGER, 16, 17]);
/** The integers, RATIONAL, SRATIONAL, FLOAT and DOUBLE: not ASCII, UNDEFINED or IFD. */
const NUMERIC = new Set([...INTEGER, 5, 10, 11, 12]);
const NUMERIC_BIG = new Set([...NUMERIC, 16, 17]);
/**
 * Block tables take only SHORT and LONG (LONG8 in BigTIFF): libtiff's reader of them refuses the
 * rest ("Invalid type for [Strip|Tile][Offset/ByteCount] tag"), and GDAL then reads wrong pixels
 * or none (checked with GDAL 3.6 for BYTE and the signed kinds).
 */
const BLOCK_TABLES = new Set([273, 279, 324, 325]);
const TABLE = new Set([3, 4]);
const TABLE_BIG = new Set([3, 4, 16]);

/** The name of a tag these rules cover, or undefined. */
export function layoutTagName(tag: number): string | undefined {
  return INTEGER_TAGS.get(tag) ?? DOUBLE_TAGS.get(tag);
}

/** Whether the tag's values are integers ({@link INTEGER_TAGS}), which must not be negative. */
export const isIntegerTag = (tag: number): boolean => INTEGER_TAGS.has(tag);

/** Why field type `type` cannot hold layout tag `tag`, or null when it can (or the tag is not one). */
export function typeProblem(tag: number, type: number, big: boolean): string | null {
  if (BLOCK_TABLES.has(tag))
    return (big ? TABLE_BIG : TABLE).has(type) ? null : `it must be SHORT or LONG${big ? " or LONG8" : ""}`;
  if (DOUBLE_TAGS.has(tag))
    return (big ? NUMERIC_BIG : NUMERIC).has(type)
      ? null
      : "it must be a number (an integer, RATIONAL, FLOAT or DOUBLE)";
  if (!INTEGER_TAGS.has(tag)) return null;
  return (big ? INTEGER_BIG : INTEGER).has(type)
    ? null
    : `it must be an integer (BYTE, SHORT, LONG${big ? ", LONG8" : ""} or signed)`;
}

/**
 * How many values libtiff takes for each layout tag: one for sizes and choices ("Incorrect count"
 * otherwise, and the file does not open); for BitsPerSample, SampleFormat, the 16-bit sample
 * range and DataType one, or one per sample at least (the first per sample are read); for the
 * double sample range exactly one per sample. A Predictor of other than one value is ignored
 * with a warning, as if absent.
 */
const SINGLE = [256, 257, 259, 277, 278, 284, 322, 323, 32997, 32998];
const PER_SAMPLE = [258, 280, 281, 339, 32996];
const EXACT_PER_SAMPLE = [340, 341];
export const PREDICTOR = 317;

/**
 * Tags libtiff reads as 16-bit values without a meaning tilecast checks: every value it reads
 * must lie in 0..65535 ("Incorrect value" otherwise).
 */
export const SHORT_RANGE = new Set([280, 281, 32996]);

/** Why the counts of an IFD's layout tags are not what libtiff reads, or null. */
export function countProblem(entries: ReadonlyMap<number, { count: number }>, spp: number): string | null {
  for (const tag of SINGLE) {
    const n = entries.get(tag)?.count ?? 1;
    if (n !== 1) return `${layoutTagName(tag)} has ${n} values; it must have one`;
  }
  for (const tag of PER_SAMPLE) {
    const n = entries.get(tag)?.count ?? 1;
    if (n !== 1 && n < spp)
      return `${layoutTagName(tag)} has ${n} values; it must have one, or one per sample (${spp})`;
  }
  for (const tag of EXACT_PER_SAMPLE) {
    const n = entries.get(tag)?.count ?? spp;
    if (n !== spp) return `${layoutTagName(tag)} has ${n} values; it must have one per sample (${spp})`;
  }
  return null;
}

/** Why the values of a {@link SHORT_RANGE} tag are not 16-bit, or null. */
export function rangeProblem(tag: number, values: ArrayLike<number>): string | null {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < 0 || v > 0xffff) return `${layoutTagName(tag)} holds ${v}; it must be 0 to 65535`;
  }
  return null;
}
