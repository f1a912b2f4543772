/**
 * A small seeded random number generator (SplitMix32 state, Mulberry-style output), so an
 * augmentation run is reproducible: the same seed and tile id give the same transforms,
 * whatever order tiles arrive in.
 *
 * @example
 * ```ts
 * import { Rng } from "tilecast";
 * const a = new Rng(42, 7);
 * const b = new Rng(42, 7);
 * a.uniform() === b.uniform(); // true
 * ```
 */

/**
 * A small seeded random number generator (SplitMix32 state, Mulberry-style output), so an augmentation run is reproducible: the same seed and tile id give the same transforms, whatever order tiles arrive in.
 * Details and a complete example: the module documentation above.
 */
export class Rng {
  #s: number;
  #spare: number | null = null;

  /** A generator for `seed`, optionally split per `stream` (a tile id, an epoch). */
  constructor(seed: number, stream = 0) {
    this.#s = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream | 0, 0x85ebca6b) ^ 0x6d2b79f5) >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [a, b). */
  between(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return p >= 1 || (p > 0 && this.uniform() < p);
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.#spare !== null) {
      const v = this.#spare;
      this.#spare = null;
      return v;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}
