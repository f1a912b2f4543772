/**
 * A GeoTIFF's georeferencing from every place GDAL looks, in GDAL's order
 * (`GDAL_GEOREF_SOURCES`, default PAM, INTERNAL, TABFILE, WORLDFILE): the `.aux.xml` sidecar
 * (`pam.ts`), the file's own tags and keys (`georef.ts`), then a world file (`world-file.ts`);
 * and RPCs from their tag, else the `.RPB` or `_RPC.TXT` beside the file (`rpc-sidecars.ts`).
 * Sidecars are read beside local files and URLs alike (`remote-sidecar.ts`), unless `sidecars` is off.
 *
 * Internal (used by `describe.ts`).
 */
import { TilecastError } from "../../errors.js";
import { type Georef, unplacedGeoref } from "../../grid/grid.js";
import type { TiffDirectory } from "./directory.js";
import { georefFromTags, parseGeoKeys } from "./georef.js";
import { type PamGeoref, pamPath, withPam } from "./pam.js";
import { readRpcSidecars, rpcFromItems, rpcFromTag } from "./rpc-sidecars.js";
import { Tag } from "./tags.js";
import { readWorldFile } from "./world-file.js";

/** The georef GDAL reports for image `image` of the file at `path` with its sidecar `pam`, or null for none. */
export async function readGeoref(
  path: string,
  image: TiffDirectory,
  pam: PamGeoref | null,
  sidecars: boolean,
): Promise<Georef | null> {
  const keys = parseGeoKeys(
    await image.numbers(Tag.GeoKeyDirectory),
    await image.numbers(Tag.GeoDoubleParams),
    await image.ascii(Tag.GeoAsciiParams),
  );
  const tags = {
    pixelScale: await image.numbers(Tag.ModelPixelScale),
    tiepoint: await image.numbers(Tag.ModelTiepoint),
    transformation: await image.numbers(Tag.ModelTransformation),
    keys,
  };
  let fromTags: Georef | null;
  try {
    fromTags = georefFromTags(tags);
  } catch (e) {
    // A CRS the keys cannot give (a method without a PROJ equivalent here) names the file.
    if (e instanceof TilecastError && !e.path) throw new TilecastError(e.code, e.problem, { path, cause: e });
    throw e;
  }
  // GDAL's order: the tag, a .RPB or _RPC.TXT, then the .aux.xml's RPC domain.
  const rpc =
    rpcFromTag(await image.numbers(Tag.RpcCoefficients)) ??
    (sidecars ? ((await readRpcSidecars(path)) ?? rpcFromPam(pam, pamPath(path))) : null);
  const placed = sidecars ? await fromSidecars(path, withPam(fromTags, pam)) : fromTags;
  if (!rpc) return placed;
  return { ...(placed ?? unplacedGeoref(null)), rpc };
}

/** `georef` (the sidecar's and the tags'), or a world file's transform where it has none of its own. */
async function fromSidecars(path: string, georef: Georef | null): Promise<Georef | null> {
  // A transform, or GCPs in its place, from the sidecar or the tags: no world file is read.
  if (georef && !georef.noTransform) return georef;
  const gt = await readWorldFile(path);
  return gt ? { transform: gt, crs: georef?.crs ?? null, rasterType: "area" } : georef;
}

/** The RPCs in a sidecar's RPC domain (set on a file opened read-only), or null. */
function rpcFromPam(pam: PamGeoref | null, sidecar: string): number[] | null {
  const items = pam?.metadata.domains.RPC;
  return items && Object.hasOwn(pam.metadata.domains, "RPC") ? rpcFromItems(items, sidecar) : null;
}
