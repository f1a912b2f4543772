/** TIFF/GeoTIFF tag numbers, field types and compression codes used by the reader and writer. */
export const Tag = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  Predictor: 317,
  ColorMap: 320,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  ExtraSamples: 338,
  SampleFormat: 339,
  ModelPixelScale: 33550,
  ModelTiepoint: 33922,
  ModelTransformation: 34264,
  GeoKeyDirectory: 34735,
  GeoDoubleParams: 34736,
  GeoAsciiParams: 34737,
  GdalMetadata: 42112,
  GdalNodata: 42113,
  RpcCoefficients: 50844,
} as const;

/** TIFF field types. */
export const FieldType = {
  BYTE: 1,
  ASCII: 2,
  SHORT: 3,
  LONG: 4,
  DOUBLE: 12,
  LONG8: 16,
} as const;

/** Compression codes and the names `inspect` reports for them. */
export const COMPRESSION_NAMES: Readonly<Record<number, string>> = {
  1: "none",
  2: "ccittrle",
  3: "ccittfax3",
  4: "ccittfax4",
  5: "lzw",
  6: "ojpeg",
  7: "jpeg",
  8: "deflate",
  32946: "deflate",
  32773: "packbits",
  34887: "lerc",
  34925: "lzma",
  50000: "zstd",
  50001: "webp",
};

/** Compressions whose blocks tilecast can decode. */
export const DECODABLE = new Set([1, 5, 7, 8, 32946, 32773, 34887, 34925, 50000, 50001]);
