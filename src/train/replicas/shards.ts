/**
 * How a batch is split between replicas, and how their answers are combined.
 *
 * @example
 * ```ts
 * import { shardSizes } from "tilecast/train";
 * console.log(shardSizes(7, 2)); // [4, 3]
 * console.log(shardSizes(1, 2)); // [1]: a replica with nothing to do is left out
 * ```
 */

/** Contiguous shard sizes for `n` samples over at most `replicas` workers, largest first. */
export function shardSizes(n: number, replicas: number): number[] {
  const k = Math.max(1, Math.min(n, replicas));
  const base = Math.floor(n / k);
  return Array.from({ length: k }, (_, i) => base + (i < n % k ? 1 : 0));
}

/** `parts[i]` weighted by `weights[i]` (which sum to 1), element by element. */
export function weightedMean(parts: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const first = parts[0];
  if (!first) throw new Error("weightedMean: no parts");
  const out = new Float32Array(first.length);
  parts.forEach((p, i) => {
    const w = weights[i] as number;
    for (let j = 0; j < out.length; j++) out[j] = (out[j] as number) + w * (p[j] as number);
  });
  return out;
}

/** A tensor's values split into contiguous shards along its first axis. */
export function splitRows(values: Float32Array, shape: readonly number[], sizes: readonly number[]): Float32Array[] {
  const row = shape.slice(1).reduce((a, b) => a * b, 1);
  let at = 0;
  return sizes.map((n) => {
    const part = values.slice(at * row, (at + n) * row);
    at += n;
    return part;
  });
}
