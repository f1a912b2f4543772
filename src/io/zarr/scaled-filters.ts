/**
 * numcodecs' fixedscaleoffset and astype filters, as zarrita reads them: zarrita turns
 * fixedscaleoffset into v3's scale_offset and cast_value, and knows no astype.
 */

type Meta = Record<string, unknown>;

/**
 * Adapt one v2 array's metadata (in place; true when changed) so zarrita reads its scaled filters
 * as numcodecs does. An astype filter becomes the fixedscaleoffset filter it equals. numcodecs'
 * fixedscaleoffset filter stores its `astype` integers in astype's own byte order,
 * whatever the array's; zarrita reads them in the array's (its v2 `bytes` codec follows
 * `dtype`), so a big-endian float array storing little-endian integers read as other values.
 * The array takes astype's byte order: the numbers decoded are the same either way.
 */
export function adaptScaledFilters(m: Meta): boolean {
  const filters = Array.isArray(m.filters) ? (m.filters as Meta[]) : [];
  // numcodecs' astype filter stores values as encode_dtype: fixedscaleoffset with scale 1 and
  // offset 0 decodes them the same way, in a form zarrita reads.
  let changed = false;
  filters.forEach((f, i) => {
    if (f?.id !== "astype" || typeof f.encode_dtype !== "string" || typeof f.decode_dtype !== "string") return;
    // `from` keeps the filter's own name for messages (zarrita reads only the keys it knows).
    filters[i] = {
      id: "fixedscaleoffset",
      from: "astype",
      scale: 1,
      offset: 0,
      dtype: f.decode_dtype,
      astype: f.encode_dtype,
    };
    changed = true;
  });
  const astype = filters.find((f) => f?.id === "fixedscaleoffset")?.astype;
  const dtype = m.dtype;
  if (typeof astype !== "string" || typeof dtype !== "string") return changed;
  if (!/^[<>]/.test(astype) || !/^[<>]/.test(dtype) || astype[0] === dtype[0]) return changed;
  m.dtype = astype[0] + dtype.slice(1);
  return true;
}
