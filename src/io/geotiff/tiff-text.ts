/**
 * The text of a TIFF ASCII field. TIFF says 7-bit ASCII; GDAL writes UTF-8 and passes whatever
 * bytes it finds through, and older writers (ESRI's, scanners' software) wrote names in Latin-1.
 * Bytes that are valid UTF-8 are read as UTF-8; any other bytes as Latin-1, one character per
 * byte, where decoding them as UTF-8 would turn each into U+FFFD.
 *
 * Internal (used by the TIFF directories and `georef.ts`).
 */

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** `bytes` as UTF-8 when they are valid UTF-8, else as Latin-1. */
export function decodeTiffText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    // Node's TextDecoder("latin1") differs between ICU builds (0x80-0x9F): decoded by hand.
    let s = "";
    for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
    return s;
  }
}
