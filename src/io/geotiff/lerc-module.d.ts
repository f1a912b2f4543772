/** The parts of Esri's LERC decoder (npm `lerc`, no types of its own) tilecast uses. */
declare module "lerc" {
  type Values =
    | Int8Array
    | Uint8Array
    | Int16Array
    | Uint16Array
    | Int32Array
    | Uint32Array
    | Float32Array
    | Float64Array;
  interface Decoded {
    width: number;
    height: number;
    /** One array per band: width * height * dimCount values. */
    pixels: Values[];
    dimCount: number;
    /** The first band's mask (1 valid, 0 not), or null when every pixel is valid. */
    mask: Uint8Array | null;
    /** Every band's mask, present when the bands' masks differ. */
    bandMasks?: Uint8Array[];
  }
  const Lerc: { decode(input: ArrayBuffer, options?: { returnPixelInterleavedDims?: boolean }): Decoded };
  export default Lerc;
}
