/**
 * Which GeoTIFF tag entries libtiff reads, and so GDAL: the rest it ignores with a warning and
 * reads the file without them (checked with GDAL 3.6, libtiff 4.5). The TIFF directory
 * (`scanned-tiff.ts`, local and remote files alike) applies them, so a broken georef tag gives the
 * georef GDAL gives, not one made of whatever values the entry points at.
 *
 * - Type: the tags of doubles (ModelPixelScale, ModelTiepoint, ModelTransformation,
 *   GeoDoubleParams) are read from the numeric types libtiff converts to double, and
 *   GeoKeyDirectory from those it converts to short; another type (UNDEFINED, IFD, IFD8) is
 *   "Incompatible type".
 * - Count: libgeotiff registers these tags (and the Intergraph matrix) with a 16-bit count, so an
 *   entry of more than 65535 values is "Incorrect count" (a flipped bit in a count does that).
 */

const DOUBLE_TAGS = new Set([33550, 33922, 34264, 34736]);
const GEO_KEY_DIRECTORY = 34735;
/** Tags libgeotiff registers with a 16-bit count: the doubles, the Intergraph matrix, the keys. */
const COUNT16_TAGS = new Set([...DOUBLE_TAGS, 33920, GEO_KEY_DIRECTORY]);
const TO_DOUBLE = new Set([1, 3, 4, 5, 6, 8, 9, 10, 11, 12, 16, 17]);
const TO_SHORT = new Set([1, 3, 4, 6, 8, 9, 16, 17]);

/** Whether libtiff reads an entry of `tag` holding `count` values of field type `type`. */
export function libtiffReads(tag: number, type: number, count: number): boolean {
  if (COUNT16_TAGS.has(tag) && count > 0xffff) return false;
  if (DOUBLE_TAGS.has(tag)) return TO_DOUBLE.has(type);
  if (tag === GEO_KEY_DIRECTORY) return TO_SHORT.has(type);
  return true;
}
