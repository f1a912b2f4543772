/**
 * Reading what a GeoTIFF is from its first IFD: size, sample type, layout, codec, georeferencing,
 * nodata, GDAL metadata and overviews, with the structural checks that keep a malformed header
 * from causing huge allocations.
 */
import { TilecastError } from "../../errors.js";
import { DTYPE_INFO, storedValue } from "../../grid/dtype.js";
import { isSingular } from "../../grid/geotransform.js";
import { checkBudget } from "../../util/budget.js";
import type { RasterMeta } from "../types.js";
import { bandTimes } from "./band-times.js";
import { colorTableFromMap } from "./color-table.js";
import { colourProblem } from "./colour-rules.js";
import { type BlockCodec, checkDecodable } from "./decode.js";
import type { TiffDirectory, TiffFile } from "./directory.js";
import { parseGdalMetadata } from "./gdal-metadata.js";
import { parseNodata } from "./gdal-tags.js";
import { readGeoref } from "./georef-sources.js";
import type { TiffHeader } from "./header.js";
import { lercDataType } from "./lerc.js";
import { pamPath, readPam } from "./pam.js";
import { withPamBands } from "./pam-bands.js";
import { tiffSampleType, unreadSampleType } from "./samples.js";
import { COMPRESSION_NAMES, Tag } from "./tags.js";
import { readTextTags } from "./text-tags.js";

/** Codecs that store N-bit, 16-bit float and 64-bit integer samples as a plain byte stream: none, LZW, deflate, PackBits, LZMA, ZSTD. */
const STORED_CODECS = new Set([1, 5, 8, 32946, 32773, 34925, 50000]);

/** Metadata of a GeoTIFF, beyond the common {@link RasterMeta}. */
export interface GeoTiffMeta extends RasterMeta {
  readonly compression: string;
  readonly predictor: number;
  readonly tiled: boolean;
  readonly interleave: "pixel" | "band";
  readonly bigTiff: boolean;
  readonly littleEndian: boolean;
  readonly overviews: readonly { width: number; height: number }[];
  /**
   * The file's GDAL mask, which reads mark invalid where it is 0: `internal` (an image in the file,
   * `mask.ts`), `external` (`<file>.msk`, `mask-sidecar.ts`), or null.
   */
  readonly maskSource: "internal" | "external" | null;
  /**
   * The band that is an alpha channel (ExtraSamples 1 or 2: associated or unassociated alpha), or
   * null. Where GDAL makes it the mask of the other bands (see {@link alphaMasks}), they are
   * invalid where it is 0; the alpha band itself is data.
   */
  readonly alphaBand: number | null;
  /** Whether the first three bands are red, green and blue (PhotometricInterpretation RGB, or YCbCr read as RGB). */
  readonly rgbBands: boolean;
}

/** Where the blocks of an image are. */
export interface Layout {
  across: number;
  down: number;
  planar: 1 | 2;
  spp: number;
  offsets: ArrayLike<number | bigint>;
  counts: ArrayLike<number | bigint>;
}

/** The band an ExtraSamples list makes an alpha channel (associated or unassociated), or null. */
function alphaBandOf(extra: number[], spp: number): number | null {
  if (spp < 2 || extra.length === 0 || extra.length >= spp) return null;
  const i = extra.findIndex((e) => e === 1 || e === 2);
  return i < 0 ? null : spp - extra.length + i;
}

/**
 * Whether the alpha band masks the other bands, by GDAL's rule for GeoTIFFs without a mask or
 * nodata of their own: gray + alpha (band 2 of 2) or RGB + alpha (band 4 of 4), 8 or 16 bits.
 * An alpha band elsewhere stays a plain band, as GDAL reads it.
 */
export function alphaMasks(m: Pick<GeoTiffMeta, "alphaBand" | "bands" | "dtype">): boolean {
  const last = m.alphaBand === m.bands - 1 && (m.bands === 2 || m.bands === 4);
  return last && (m.dtype === "uint8" || m.dtype === "uint16");
}

/**
 * The codecs libtiff applies a Predictor in (LZW, Deflate, Zstandard, LZMA): in any other
 * (none, PackBits, JPEG, LERC, WebP) the tag is ignored, as libtiff and so GDAL ignore it.
 */
const PREDICTED_CODECS = new Set([5, 8, 32946, 50000, 34925]);

/**
 * The predictor a block's bytes were stored with: 1 (none), 2 (horizontal) or 3 (floating point)
 * in a codec that applies one, else 1. Another value in such a codec is refused by name: libtiff
 * fails every read of it ("Predictor value not supported").
 */
async function predictorOf(image: TiffDirectory, compression: number, path: string): Promise<number> {
  const predictor = (await image.number(Tag.Predictor)) ?? 1;
  if (!PREDICTED_CODECS.has(compression)) return 1;
  if (predictor === 1 || predictor === 2 || predictor === 3) return predictor;
  throw new TilecastError("E_FORMAT", `Predictor ${predictor} is not 1, 2 or 3 (none, horizontal, floating point)`, {
    path,
  });
}

/**
 * Describe image 0 of an open GeoTIFF, checked against the file's size (`header`); `sidecars`
 * reads GDAL's sidecar and world file beside it.
 */
export async function describeImage(
  path: string,
  file: TiffFile,
  image: TiffDirectory,
  header: TiffHeader,
  sidecars: boolean,
): Promise<{ meta: GeoTiffMeta; layout: Layout; codec: BlockCodec }> {
  const { width, height, samplesPerPixel: spp } = image;
  // One value per sample at most: libtiff reads no further (the scan checked there are enough).
  const perSample = async (tag: number) =>
    Array.from((await image.numbers(tag)) ?? [1]).slice(0, Math.max(1, spp ?? 1));
  const bits = await perSample(Tag.BitsPerSample);
  const formats = await perSample(Tag.SampleFormat);
  const bad = (problem: string, code: "E_UNSUPPORTED" | "E_FORMAT" | "E_TOO_LARGE" = "E_UNSUPPORTED") =>
    new TilecastError(code, problem, { path });
  if (bits.some((b) => b !== bits[0]) || formats.some((f) => f !== formats[0])) {
    throw bad("bands with different sample types are not supported");
  }
  const type = tiffSampleType(formats[0] ?? 1, bits[0] ?? 1);
  if (!type) throw bad(unreadSampleType(formats[0] ?? 1, bits[0] ?? 1));
  const { dtype, stored } = type;
  const compression = (await image.number(Tag.Compression)) ?? 1;
  checkDecodable(compression, path);
  const predictor = await predictorOf(image, compression, path);
  // libtiff fails every read of these ("Floating point Predictor not supported with ... format").
  if (predictor === 3 && formats[0] !== 3) throw bad("the floating-point predictor (3) on integer samples", "E_FORMAT");
  if (stored) {
    const what = `${stored.bits}-bit ${stored.kind === "half" ? "float" : "integer"} samples`;
    if (!STORED_CODECS.has(compression))
      throw bad(`${what} with ${COMPRESSION_NAMES[compression] ?? `compression ${compression}`} compression`);
    // libtiff's horizontal predictor works on 8, 16, 32 and 64-bit samples only.
    if (stored.kind === "uint" && predictor !== 1) throw bad(`${what} with predictor ${predictor}`);
  }
  const tiled = image.has(Tag.TileWidth);
  // One tile dimension without the other: libtiff then takes the file as tiled with a tile width
  // of 0 and reads its pixels rearranged, with a warning; there is no layout to read.
  if (tiled !== image.has(Tag.TileLength))
    throw bad(`${tiled ? "TileWidth" : "TileLength"} without ${tiled ? "TileLength" : "TileWidth"}`, "E_FORMAT");
  const blockWidth = tiled ? ((await image.number(Tag.TileWidth)) ?? 0) : width;
  const rps = (await image.number(Tag.RowsPerStrip)) ?? height ?? 0;
  const blockHeight = tiled ? ((await image.number(Tag.TileLength)) ?? 0) : Math.min(rps, height ?? 0);
  const whole = (n: number | undefined): n is number => Number.isInteger(n) && (n as number) > 0;
  if (!(whole(width) && whole(height) && whole(blockWidth) && whole(blockHeight) && whole(spp))) {
    const t = (n: number | undefined) => (n === undefined ? "(missing or not one value)" : String(n));
    throw bad(
      `invalid dimensions ${t(width)}x${t(height)}, block ${t(blockWidth)}x${t(blockHeight)}, ${t(spp)} samples per pixel`,
      "E_FORMAT",
    );
  }
  // GDAL's limits: sizes that fit a signed 32-bit int, at most 65535 bands.
  if (width > 2 ** 31 - 1 || height > 2 ** 31 - 1)
    throw bad(`invalid dimensions ${width}x${height} (at most ${2 ** 31 - 1} per side)`, "E_FORMAT");
  if (!(spp >= 1 && spp < 65535)) throw bad(`invalid number of bands (SamplesPerPixel ${spp})`, "E_FORMAT");
  const planarConfiguration = (await image.number(Tag.PlanarConfiguration)) ?? 1;
  // libtiff refuses any other value, and so GDAL does.
  if (planarConfiguration !== 1 && planarConfiguration !== 2)
    throw bad(
      `invalid PlanarConfiguration ${planarConfiguration} (1: pixel-interleaved, 2: band-interleaved)`,
      "E_FORMAT",
    );
  const planar = planarConfiguration;
  const photometric = (await image.number(Tag.Photometric)) ?? 1;
  const colour = colourProblem({ compression, photometric, bits: bits[0] ?? 1, spp, planar });
  if (colour) throw bad(colour);
  checkBudget(
    blockWidth * blockHeight * (planar === 2 ? 1 : spp) * DTYPE_INFO[dtype].bytes,
    `one ${blockWidth}x${blockHeight} block of ${planar === 2 ? 1 : spp} ${dtype} samples`,
    path,
  );
  const across = Math.ceil(width / blockWidth);
  const down = Math.ceil(height / blockHeight);
  const nBlocks = across * down * (planar === 2 ? spp : 1);
  if (nBlocks * (header.bigTiff ? 8 : 4) * 2 > header.size) {
    throw bad(
      `header claims ${width}x${height}x${spp} pixels in ${nBlocks} blocks, more than a ${header.size}-byte file can index`,
      "E_TOO_LARGE",
    );
  }
  const table = <T extends ArrayLike<number>>(list: T | undefined, name: string): T => {
    if (!list) throw bad(`${name} is missing; the image needs ${nBlocks} blocks`, "E_FORMAT");
    if (list.length < nBlocks) throw bad(`${name} lists ${list.length} blocks, the image needs ${nBlocks}`, "E_FORMAT");
    return list;
  };
  const offsets = table(
    await image.numbers(tiled ? Tag.TileOffsets : Tag.StripOffsets),
    tiled ? "TileOffsets" : "StripOffsets",
  );
  const counts = table(
    await image.numbers(tiled ? Tag.TileByteCounts : Tag.StripByteCounts),
    tiled ? "TileByteCounts" : "StripByteCounts",
  );
  for (let i = 0; i < nBlocks; i++) {
    const end = Number(offsets[i]) + Number(counts[i]);
    if (Number(counts[i]) > 0 && end > header.size) {
      throw new TilecastError(
        "E_TRUNCATED",
        `file is truncated: block ${i} ends at byte ${end}, the file has ${header.size}`,
        { path },
      );
    }
  }
  // GDAL's sidecar (pam.ts) and world file, local or remote: not for a mask's image, whose layout
  // is all its reader takes.
  const pam = sidecars ? await readPam(path) : null;
  const georef = await readGeoref(path, image, pam, sidecars);
  // GDAL passes such a transform on; outputs written from it would be placed nowhere.
  const gt = georef?.transform;
  if (gt && !gt.every(Number.isFinite))
    throw bad(`its geotransform holds NaN or infinity (${gt.join(", ")})`, "E_FORMAT");
  if (gt && isSingular(gt))
    throw bad(`its geotransform is singular: pixels of zero area (${gt.join(", ")})`, "E_FORMAT");
  // The sentinel as the band stores it (GDAL_NODATA is text): a float32 band's "-3.4e+38" is
  // float32(-3.4e38); a value the type cannot hold marks no pixel.
  // GDAL's sidecar fills in what the file's tags leave out (pam-bands.ts).
  const bandInfo = withPamBands(
    parseNodata(await image.text(Tag.GdalNodata)),
    parseGdalMetadata(await image.text(Tag.GdalMetadata), spp, path),
    pam,
    spp,
    pamPath(path),
  );
  const nodata = bandInfo.nodata === null ? null : storedValue(dtype, bandInfo.nodata);
  const attrs = { ...(await readTextTags(image)), ...bandInfo.attrs };
  if (georef?.rasterType === "point") attrs.AREA_OR_POINT = "Point";
  // A file GDAL converted from netCDF or GRIB: its bands' times (band-times.ts).
  const times = bandTimes(attrs, spp);
  if (times) attrs.bandNames = times;
  const colorTable =
    photometric === 3 ? colorTableFromMap(await image.numbers(Tag.ColorMap), bits[0] ?? 1, nodata) : null;
  if (colorTable) attrs.colorTable = colorTable;
  const overviews: { width: number; height: number }[] = [];
  const count = await file.count();
  for (let i = 1; i < count; i++) {
    const ov = await file.image(i);
    const type = (await ov.number(Tag.NewSubfileType)) ?? 0;
    if (type & 1 && !(type & 4)) overviews.push({ width: ov.width ?? 0, height: ov.height ?? 0 });
  }
  // What each extra sample is: 0 unspecified, 1 associated alpha, 2 unassociated alpha (999, a
  // known Corel Draw slip, means 2 as libtiff reads it); anything else is refused, as libtiff does.
  const extra = Array.from((await image.numbers(Tag.ExtraSamples)) ?? [], (e) => (e === 999 ? 2 : e));
  const strange = extra.find((e) => e > 2);
  if (strange !== undefined)
    throw bad(
      `ExtraSamples value ${strange} is not 0, 1 or 2 (unspecified, associated or unassociated alpha)`,
      "E_FORMAT",
    );
  const meta: GeoTiffMeta = {
    format: "geotiff",
    path,
    width,
    height,
    bands: spp,
    dtype,
    georef,
    nodata,
    blockWidth,
    blockHeight,
    periodicX: false,
    attrs,
    compression: COMPRESSION_NAMES[compression] ?? String(compression),
    predictor,
    tiled,
    interleave: planar === 2 ? "band" : "pixel",
    bigTiff: file.bigTiff,
    littleEndian: image.littleEndian,
    overviews,
    maskSource: null,
    alphaBand: alphaBandOf(extra, spp),
    rgbBands: spp >= 3 && [2, 6].includes((await image.number(Tag.Photometric)) ?? 1),
  };
  const codec: BlockCodec = {
    compression,
    predictor,
    bytes: DTYPE_INFO[dtype].bytes,
    spp: planar === 2 ? 1 : spp,
    width: blockWidth,
    littleEndian: image.littleEndian,
    ...(stored ? { stored } : {}),
  };
  if (compression === 7) {
    const t = await image.numbers(347);
    if (t) codec.jpegTables = t;
  }
  if (compression === 34887) {
    // LercParameters: [version, additional compression]; libtiff's default is no extra compression.
    const params = Array.from((await image.numbers(50674)) ?? []);
    codec.lerc = {
      extra: params[1] ?? 0,
      dtype,
      dataType: lercDataType(DTYPE_INFO[dtype]),
      alpha: planar === 1 && extra.length > 0 && extra[extra.length - 1] === 2,
    };
  }
  return { meta, layout: { across, down, planar, spp, offsets, counts }, codec };
}
