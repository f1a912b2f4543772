/**
 * Reading what a GeoTIFF is from its first IFD: size, sample type, layout, codec, georeferencing,
 * nodata, GDAL metadata and overviews, with the structural checks that keep a malformed header
 * from causing huge allocations.
 */
import type { GeoTIFF, GeoTIFFImage } from "geotiff";
import { TilecastError } from "../../errors.js";
import { DTYPE_INFO, storedValue } from "../../grid/dtype.js";
import { checkBudget } from "../../util/budget.js";
import type { RasterMeta } from "../types.js";
import { type BlockCodec, checkDecodable } from "./decode.js";
import { parseGdalMetadata, parseNodata } from "./gdal-tags.js";
import { georefFromTags, parseGeoKeys } from "./georef.js";
import type { TiffHeader } from "./header.js";
import { lercDataType } from "./lerc.js";
import { tiffSampleType } from "./samples.js";
import { COMPRESSION_NAMES, Tag } from "./tags.js";

/** Codecs that store N-bit and 16-bit float samples as a plain byte stream: none, LZW, deflate, PackBits, ZSTD. */
const STORED_CODECS = new Set([1, 5, 8, 32946, 32773, 50000]);

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

/** More images than any real pyramid has: a chain this long is corrupt or hostile. */
export const MAX_IFDS = 1024;

/**
 * The number of images (IFDs) in the file, following the chain of next-IFD offsets with cycle
 * detection: a chain that points back to an IFD already seen (which makes geotiff.js's
 * `getImageCount` loop forever) or runs past {@link MAX_IFDS} is an error naming the file.
 */
export async function imageCount(tiff: GeoTIFF, path: string): Promise<number> {
  const t = tiff as unknown as {
    firstIFDOffset: number;
    requestIFD(i: number): Promise<{ nextIFDByteOffset: number }>;
  };
  const seen = new Set<number>([t.firstIFDOffset]);
  for (let i = 0; i < MAX_IFDS; i++) {
    const next = (await t.requestIFD(i)).nextIFDByteOffset;
    if (!next) return i + 1;
    if (seen.has(next))
      throw new TilecastError(
        "E_FORMAT",
        `IFD ${i} points back to the IFD at byte ${next}: the directory chain loops`,
        {
          path,
        },
      );
    seen.add(next);
  }
  throw new TilecastError("E_TOO_LARGE", `more than ${MAX_IFDS} images (IFDs) in one file`, { path });
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

/** Describe image 0 of an open GeoTIFF; `header` (local files) enables the size checks. */
export async function describeImage(
  path: string,
  tiff: GeoTIFF,
  image: GeoTIFFImage,
  header: TiffHeader | null,
): Promise<{ meta: GeoTiffMeta; layout: Layout; codec: BlockCodec }> {
  const fd = image.fileDirectory;
  const get = <T>(tag: number) => fd.loadValue(tag) as Promise<T | undefined>;
  const width = image.getWidth();
  const height = image.getHeight();
  const spp = image.getSamplesPerPixel();
  const bits = Array.from((await get<ArrayLike<number>>(Tag.BitsPerSample)) ?? [1]);
  const formats = Array.from((await get<ArrayLike<number>>(Tag.SampleFormat)) ?? [1]);
  const bad = (problem: string, code: "E_UNSUPPORTED" | "E_FORMAT" | "E_TOO_LARGE" = "E_UNSUPPORTED") =>
    new TilecastError(code, problem, { path });
  if (bits.some((b) => b !== bits[0]) || formats.some((f) => f !== formats[0])) {
    throw bad("bands with different sample types are not supported");
  }
  const type = tiffSampleType(formats[0] ?? 1, bits[0] ?? 1);
  if (!type) throw bad(`unsupported sample type (${bits[0]}-bit, SampleFormat ${formats[0]})`);
  const { dtype, stored } = type;
  const compression = (await get<number>(Tag.Compression)) ?? 1;
  checkDecodable(compression, path);
  const predictor = (await get<number>(Tag.Predictor)) ?? 1;
  if (stored) {
    const what = `${stored.bits}-bit ${stored.kind === "half" ? "float" : "integer"} samples`;
    if (stored.kind !== "half" && predictor === 3) throw bad(`${what} with the floating-point predictor`);
    if (!STORED_CODECS.has(compression))
      throw bad(`${what} with ${COMPRESSION_NAMES[compression] ?? `compression ${compression}`} compression`);
    // libtiff's horizontal predictor works on 8, 16, 32 and 64-bit samples only.
    if (stored.kind === "uint" && predictor !== 1) throw bad(`${what} with predictor ${predictor}`);
  }
  const tiled = fd.hasTag(Tag.TileWidth);
  const blockWidth = tiled ? ((await get<number>(Tag.TileWidth)) ?? 0) : width;
  const rps = (await get<number>(Tag.RowsPerStrip)) ?? height;
  const blockHeight = tiled ? ((await get<number>(Tag.TileLength)) ?? 0) : Math.min(rps, height);
  const whole = (n: number) => Number.isInteger(n) && n > 0;
  if (!(whole(width) && whole(height) && whole(blockWidth) && whole(blockHeight) && whole(spp))) {
    const t = (n: unknown) => (typeof n === "number" ? String(n) : `(${typeof n === "object" ? "a list" : typeof n})`);
    throw bad(
      `invalid dimensions ${t(width)}x${t(height)}, block ${t(blockWidth)}x${t(blockHeight)}, ${t(spp)} samples per pixel`,
      "E_FORMAT",
    );
  }
  // GDAL's limits: sizes that fit a signed 32-bit int, at most 65535 bands.
  if (width > 2 ** 31 - 1 || height > 2 ** 31 - 1)
    throw bad(`invalid dimensions ${width}x${height} (at most ${2 ** 31 - 1} per side)`, "E_FORMAT");
  if (!(spp >= 1 && spp < 65535)) throw bad(`invalid number of bands (SamplesPerPixel ${spp})`, "E_FORMAT");
  const planar = ((await get<number>(Tag.PlanarConfiguration)) ?? 1) === 2 ? 2 : 1;
  checkBudget(
    blockWidth * blockHeight * (planar === 2 ? 1 : spp) * DTYPE_INFO[dtype].bytes,
    `one ${blockWidth}x${blockHeight} block of ${planar === 2 ? 1 : spp} ${dtype} samples`,
    path,
  );
  const across = Math.ceil(width / blockWidth);
  const down = Math.ceil(height / blockHeight);
  const nBlocks = across * down * (planar === 2 ? spp : 1);
  if (header && nBlocks * (header.bigTiff ? 8 : 4) * 2 > header.size) {
    throw bad(
      `header claims ${width}x${height}x${spp} pixels in ${nBlocks} blocks, more than a ${header.size}-byte file can index`,
      "E_TOO_LARGE",
    );
  }
  const offsets = await get<ArrayLike<number | bigint>>(tiled ? Tag.TileOffsets : Tag.StripOffsets);
  const counts = await get<ArrayLike<number | bigint>>(tiled ? Tag.TileByteCounts : Tag.StripByteCounts);
  if (!offsets || !counts || offsets.length < nBlocks || counts.length < nBlocks) {
    throw bad(`block table lists ${offsets?.length ?? 0} blocks, the image needs ${nBlocks}`, "E_FORMAT");
  }
  if (header) {
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
  }
  const keys = parseGeoKeys(
    await get<ArrayLike<number>>(Tag.GeoKeyDirectory),
    await get<ArrayLike<number>>(Tag.GeoDoubleParams),
    await get<string>(Tag.GeoAsciiParams),
  );
  const georef = georefFromTags({
    pixelScale: await get<ArrayLike<number>>(Tag.ModelPixelScale),
    tiepoint: await get<ArrayLike<number>>(Tag.ModelTiepoint),
    transformation: await get<ArrayLike<number>>(Tag.ModelTransformation),
    keys,
  });
  // The sentinel as the band stores it (GDAL_NODATA is text): a float32 band's "-3.4e+38" is
  // float32(-3.4e38); a value the type cannot hold marks no pixel.
  const nodataText = parseNodata(await get<string>(Tag.GdalNodata));
  const nodata = nodataText === null ? null : storedValue(dtype, nodataText);
  const attrs = parseGdalMetadata(await get<string>(Tag.GdalMetadata), spp);
  if (georef?.rasterType === "point") attrs.AREA_OR_POINT = "Point";
  const overviews: { width: number; height: number }[] = [];
  const count = await imageCount(tiff, path);
  for (let i = 1; i < count; i++) {
    const ov = await tiff.getImage(i);
    const type = (ov.fileDirectory.getValue(Tag.NewSubfileType) as number | undefined) ?? 0;
    if (type & 1 && !(type & 4)) overviews.push({ width: ov.getWidth(), height: ov.getHeight() });
  }
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
    bigTiff: Boolean((tiff as unknown as { bigTiff?: boolean }).bigTiff),
    littleEndian: image.littleEndian,
    overviews,
    maskSource: null,
    alphaBand: alphaBandOf(Array.from((await get<ArrayLike<number>>(Tag.ExtraSamples)) ?? []), spp),
    rgbBands: spp >= 3 && [2, 6].includes((await get<number>(Tag.Photometric)) ?? 1),
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
    const t = await get<ArrayLike<number>>(347);
    if (t) codec.jpegTables = t;
  }
  if (compression === 34887) {
    // LercParameters: [version, additional compression]; libtiff's default is no extra compression.
    const params = Array.from((await get<ArrayLike<number>>(50674)) ?? []);
    const extra = (await get<ArrayLike<number>>(Tag.ExtraSamples)) ?? [];
    codec.lerc = {
      extra: params[1] ?? 0,
      dtype,
      dataType: lercDataType(DTYPE_INFO[dtype]),
      alpha: planar === 1 && extra.length > 0 && extra[extra.length - 1] === 2,
    };
  }
  return { meta, layout: { across, down, planar, spp, offsets, counts }, codec };
}
