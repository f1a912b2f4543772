/**
 * tilecast's WebAssembly kernels (`zarr/wasm/blosc.wat`, SIMD): Blosc's LZ4 blocks and byte
 * unshuffling for the Zarr reader, and TIFF's floating-point predictor (undone and applied) for
 * GeoTIFF.
 * One instance serves every caller: each call is synchronous, copies its data in and out, and
 * leaves nothing in the memory that a later call relies on.
 */
import { BLOSC_WASM_BASE64 } from "./zarr/wasm/blosc-wasm.js";

/** The slice of the WebAssembly API used here (the ES2022 + Node typings have no WebAssembly). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The module's exports. */
export interface Kernels {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  lz4(s: number, s1: number, d: number, d1: number): number;
  unshuffle(src: number, dst: number, n: number, typesize: number): void;
  fp_undo32(p: number, rowBytes: number, rows: number, spp: number, tmp: number): void;
  fp_apply32(p: number, rowBytes: number, rows: number, spp: number, tmp: number): void;
}

/** Memory kept between calls; a larger one is dropped after its call ({@link releaseLarge}). */
const KEEP_BYTES = 64 * 1024 * 1024;

let compiled: object | null = null;
let instance: Kernels | null = null;

/** The module's instance with at least `bytes` of memory. */
export function kernels(bytes: number): Kernels {
  compiled ??= new WA.Module(Buffer.from(BLOSC_WASM_BASE64, "base64"));
  instance ??= new WA.Instance(compiled).exports as unknown as Kernels;
  const have = instance.memory.buffer.byteLength;
  if (have < bytes) instance.memory.grow(Math.ceil((bytes - have) / 65536));
  return instance;
}

/** After a call: let a huge call's memory go rather than keep it for the process's life. */
export function releaseLarge(k: Kernels): void {
  if (k.memory.buffer.byteLength > KEEP_BYTES && instance === k) instance = null;
}
