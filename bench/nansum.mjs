/**
 * The read benchmarks' checksum (numpy's `nansum` on the reference side): the sum of the values
 * that are not NaN. A function in its own module, so V8 optimizes it on its first calls.
 *
 * Four running sums instead of one: each addition then waits only on the one four values back,
 * not on the one before it, and the loop runs about twice as fast (numpy's own sum is pairwise
 * and vectorized). The checksum is the harness's, not the reader's: a slow one would be charged
 * to tilecast's read time, since the reference computes its own in C.
 * @param {ArrayLike<number>} d
 */
export function nansum(d) {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = d.length;
  const end = n - (n % 4);
  let i = 0;
  for (; i < end; i += 4) {
    const v0 = d[i];
    const v1 = d[i + 1];
    const v2 = d[i + 2];
    const v3 = d[i + 3];
    if (v0 === v0) s0 += v0;
    if (v1 === v1) s1 += v1;
    if (v2 === v2) s2 += v2;
    if (v3 === v3) s3 += v3;
  }
  for (; i < n; i++) {
    const v = d[i];
    if (v === v) s0 += v;
  }
  return s0 + s1 + s2 + s3;
}

// Compile it now, while the cores are idle: V8 optimizes on a helper thread, which a read that
// keeps both cores busy can starve, leaving the checksum to run unoptimized for a whole run
// (seen as 440-500 ms of checksum instead of 150). Detach an ArrayBuffer first: the first detach
// in a process (a transfer from a worker, node:zlib's buffers) discards all optimized code that
// assumed none would happen, and the first two strips of a GeoTIFF read then ran unoptimized.
const detached = new ArrayBuffer(8);
structuredClone(detached, { transfer: [detached] });
const warm = new Float32Array(1 << 14);
for (let i = 0; i < 64; i++) nansum(warm);
