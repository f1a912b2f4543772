/**
 * Augmentation of one sample: the transforms the field uses, each applied with its own
 * probability `p` (default 1 when the transform is given), in a fixed order: flips and
 * quarter turns (exact), one affine warp combining shear, scale, rotation and translation
 * (a single resampling), elastic distortion, random crop, then the intensity transforms
 * (lighting: brightness, contrast, gamma; Gaussian noise) and cutout. Geometry moves image and
 * label together (bilinear / nearest); intensity touches the image only, and only valid pixels.
 *
 * @example
 * ```ts
 * import { augmentSample, Rng, toSample, createGrid } from "tilecast";
 * const s = toSample(createGrid("float32", [1, 2, 3], { data: Float32Array.from([1, 2, 3, 4, 5, 6]) }));
 * Array.from(augmentSample(s, { hflip: {} }, new Rng(1)).image); // [3, 2, 1, 6, 5, 4]
 * ```
 */
import { z } from "zod";
import { TilecastError } from "../errors.js";
import type { Rng } from "./rng.js";
import type { Sample } from "./sample.js";
import {
  type Affine,
  composeAffine,
  cropSample,
  elasticWarp,
  flipH,
  flipV,
  rot90,
  rotation,
  warpAffine,
} from "./warp.js";

const chance = {
  /** Probability of applying the transform (default 1). */
  p: z.number().min(0).max(1).optional(),
};
const range = { ...chance, min: z.number(), max: z.number() };

/**
 * Which transforms to apply, with their ranges (sampled uniformly); validated by pipeline files.
 * The single source of {@link AugmentOptions}.
 */
export const augmentOptions = z.strictObject({
  hflip: z.strictObject(chance).optional(),
  vflip: z.strictObject(chance).optional(),
  /** A random number (1-3) of quarter turns. */
  rot90: z.strictObject(chance).optional(),
  /** Rotation by an angle in [-degrees, degrees]. */
  rotate: z.strictObject({ ...chance, degrees: z.number() }).optional(),
  /** Translation by up to `fraction` of the tile size along each axis. */
  translate: z.strictObject({ ...chance, fraction: z.number().min(0).max(1) }).optional(),
  /** Zoom by a factor in [min, max] (>1 zooms in). */
  scale: z.strictObject(range).optional(),
  /** Shear along x by an angle in [-degrees, degrees]. */
  shear: z.strictObject({ ...chance, degrees: z.number() }).optional(),
  /** Elastic distortion: displacement `alpha` px, smoothness `sigma` px. */
  elastic: z.strictObject({ ...chance, alpha: z.number(), sigma: z.number().positive() }).optional(),
  /** A random `size x size` crop. */
  crop: z.strictObject({ ...chance, size: z.number().int().positive() }).optional(),
  /** Add a brightness offset in [-delta, delta] per band. */
  brightness: z.strictObject({ ...chance, delta: z.number() }).optional(),
  /** Scale each band about its mean by a factor in [min, max]. */
  contrast: z.strictObject(range).optional(),
  /** Gamma in [min, max] on each band's min..max range. */
  gamma: z.strictObject(range).optional(),
  /** Gaussian noise of standard deviation `std`. */
  noise: z.strictObject({ ...chance, std: z.number().nonnegative() }).optional(),
  /** `count` squares of `size` px set to `fill` (default 0) in the image, labels kept. */
  cutout: z
    .strictObject({
      ...chance,
      size: z.number().int().positive(),
      count: z.number().int().positive().optional(),
      fill: z.number().optional(),
    })
    .optional(),
});

/** Which transforms to apply, with their ranges. Ranges are sampled uniformly. */
export type AugmentOptions = z.infer<typeof augmentOptions>;

const hit = (o: { p?: number | undefined } | undefined, rng: Rng): boolean => o !== undefined && rng.chance(o.p ?? 1);

/** The affine part of the options, sampled (null when none applies). */
function sampleAffine(o: AugmentOptions, s: Sample, rng: Rng): Affine | null {
  let m: Affine | null = null;
  const add = (a: Affine) => {
    m = m ? composeAffine(m, a) : a;
  };
  if (hit(o.shear, rng) && o.shear) {
    const t = Math.tan((rng.between(-o.shear.degrees, o.shear.degrees) * Math.PI) / 180);
    add({ a: 1, b: t, c: 0, d: 1, tx: 0, ty: 0 });
  }
  if (hit(o.scale, rng) && o.scale) {
    const k = rng.between(o.scale.min, o.scale.max);
    add({ a: k, b: 0, c: 0, d: k, tx: 0, ty: 0 });
  }
  if (hit(o.rotate, rng) && o.rotate) add(rotation(rng.between(-o.rotate.degrees, o.rotate.degrees)));
  if (hit(o.translate, rng) && o.translate) {
    const f = o.translate.fraction;
    add({ a: 1, b: 0, c: 0, d: 1, tx: Math.round(rng.between(-f, f) * s.w), ty: Math.round(rng.between(-f, f) * s.h) });
  }
  return m;
}

/** Per-band values of valid pixels: mean, min, max. */
function bandRange(s: Sample, b: number): { mean: number; min: number; max: number } {
  const n = s.w * s.h;
  let sum = 0;
  let k = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (!s.valid[i]) continue;
    const v = s.image[b * n + i] as number;
    sum += v;
    k++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: k ? sum / k : 0, min, max };
}

/** Apply `f` to every valid pixel of band `b`. */
function eachValid(s: Sample, b: number, f: (v: number) => number): void {
  const n = s.w * s.h;
  for (let i = 0; i < n; i++) if (s.valid[i]) s.image[b * n + i] = f(s.image[b * n + i] as number);
}

/** Apply the transforms `o` asks for to a sample, drawing from `rng`; the input sample is not modified. */
export function augmentSample(input: Sample, o: AugmentOptions, rng: Rng): Sample {
  let s = input;
  if (hit(o.hflip, rng)) s = flipH(s);
  if (hit(o.vflip, rng)) s = flipV(s);
  if (hit(o.rot90, rng)) s = rot90(s, 1 + rng.int(3));
  const m = sampleAffine(o, s, rng);
  if (m) s = warpAffine(s, m);
  if (hit(o.elastic, rng) && o.elastic) s = elasticWarp(s, o.elastic.alpha, o.elastic.sigma, () => rng.uniform());
  if (hit(o.crop, rng) && o.crop) {
    const size = o.crop.size;
    if (size > s.w || size > s.h)
      throw new TilecastError("E_ARGUMENT", `crop size ${size} exceeds the ${s.w}x${s.h} tile`, { stage: "augment" });
    s = cropSample(s, rng.int(s.w - size + 1), rng.int(s.h - size + 1), size);
  }
  if (s === input) s = { ...s, image: Float32Array.from(s.image) }; // intensity edits below must not touch the input
  for (let b = 0; b < s.bands; b++) {
    if (hit(o.brightness, rng) && o.brightness) {
      const d = rng.between(-o.brightness.delta, o.brightness.delta);
      eachValid(s, b, (v) => v + d);
    }
    if (hit(o.contrast, rng) && o.contrast) {
      const k = rng.between(o.contrast.min, o.contrast.max);
      const { mean } = bandRange(s, b);
      eachValid(s, b, (v) => mean + (v - mean) * k);
    }
    if (hit(o.gamma, rng) && o.gamma) {
      const g = rng.between(o.gamma.min, o.gamma.max);
      const { min, max } = bandRange(s, b);
      if (max > min) eachValid(s, b, (v) => min + (max - min) * ((v - min) / (max - min)) ** g);
    }
    if (hit(o.noise, rng) && o.noise) {
      const sd = o.noise.std;
      eachValid(s, b, (v) => v + sd * rng.normal());
    }
  }
  if (hit(o.cutout, rng) && o.cutout) {
    const { size, count = 1, fill = 0 } = o.cutout;
    const n = s.w * s.h;
    for (let c = 0; c < count; c++) {
      const x0 = rng.int(Math.max(1, s.w - size + 1));
      const y0 = rng.int(Math.max(1, s.h - size + 1));
      for (let b = 0; b < s.bands; b++)
        for (let y = y0; y < Math.min(s.h, y0 + size); y++)
          s.image.fill(fill, b * n + y * s.w + x0, b * n + y * s.w + Math.min(s.w, x0 + size));
    }
  }
  return s;
}
