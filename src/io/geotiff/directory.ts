/**
 * What the reader needs of a TIFF's image file directories (IFDs): `scanned-tiff.ts` gives them,
 * from the checked scan of `ifd-scan.ts`, for local files and http(s) URLs alike.
 *
 * Values are read as the tag's own field type says: integers and floats as numbers, ASCII as
 * all its bytes (the terminating NUL kept, as the GeoTIFF ASCII offsets count it) or their text
 * (`tiff-text.ts`: UTF-8, else Latin-1).
 */

/** One image (IFD) of a TIFF. */
export interface TiffDirectory {
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** SamplesPerPixel, 1 when the tag is absent. */
  readonly samplesPerPixel: number | undefined;
  readonly littleEndian: boolean;
  /** Whether the IFD has `tag`. */
  has(tag: number): boolean;
  /** The first value of a numeric tag, or undefined when it is absent, empty or text. */
  number(tag: number): Promise<number | undefined>;
  /** Every value of a numeric tag, or undefined when it is absent or text. */
  numbers(tag: number): Promise<ArrayLike<number> | undefined>;
  /** An ASCII tag's text, or undefined when it is absent or not ASCII. */
  text(tag: number): Promise<string | undefined>;
  /** An ASCII tag's bytes, or undefined when it is absent or not ASCII. */
  ascii(tag: number): Promise<Uint8Array | undefined>;
}

/** A TIFF's chain of images. */
export interface TiffFile {
  readonly bigTiff: boolean;
  readonly littleEndian: boolean;
  /** How many images the chain holds (the scan refused a loop, or more than `MAX_SCANNED_IFDS`). */
  count(): Promise<number>;
  /** Image `i` of the chain. */
  image(i: number): Promise<TiffDirectory>;
  /** Release what the parser holds open. */
  close(): void;
}
