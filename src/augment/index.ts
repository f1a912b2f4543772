/**
 * `tilecast/augment`: joint image + label transforms with a seeded generator (flips, quarter
 * turns, affine warps, elastic, lighting, noise, cutout). Pure; loads no TensorFlow.js.
 *
 * @example
 * ```ts
 * import { augmentSample, Rng } from "tilecast/augment";
 * const s = { image: Float32Array.of(1, 2, 3, 4), label: null, bands: 1, w: 2, h: 2, valid: Uint8Array.of(1, 1, 1, 1) };
 * console.log(Array.from(augmentSample(s, { hflip: {} }, new Rng(1, 0)).image)); // [2, 1, 4, 3]
 * ```
 */
export { type AugmentOptions, augmentOptions, augmentSample } from "./augment.js";
export { Rng } from "./rng.js";
export { fromSample, type Sample, toSample } from "./sample.js";
export {
  type Affine,
  composeAffine,
  cropSample,
  elasticWarp,
  flipH,
  flipV,
  resample,
  rot90,
  rotation,
  warpAffine,
} from "./warp.js";
