/**
 * The stitcher alone, on one core: a 4096² plan (`S` sets the size) of 256 px tiles with 32 px
 * halos (the segmentation job's geometry), each tile a 320² x 4 NHWC prediction as a batch holds
 * it, Hann-blended, in nanoseconds per output pixel for `Stitcher.add` (blending and finalizing
 * regions) and for classifying the finished regions. Four passes; the first warms up. Run after
 * `npm run build`.
 *
 *   node bench/stitch-speed.mjs
 */
import { classify } from "../dist/grid/classes.js";
import { planTiles } from "../dist/tiling/plan.js";
import { Stitcher } from "../dist/tiling/stitcher.js";

const S = Number(process.env.S ?? 4096);
const [T, O, B] = [256, 32, 4];
const W = T + 2 * O;
const prediction = new Float32Array(W * W * B).map(() => Math.random());
for (let pass = 0; pass < 4; pass++) {
  const plan = planTiles({ width: S, height: S, tileSize: T, overlap: O });
  const stitcher = new Stitcher(plan, { weights: "hann" });
  let stitching = 0;
  let classifying = 0;
  for (const spec of plan.tiles()) {
    let t = performance.now();
    const values = { data: prediction, offset: 0, bandStride: 1, pixelStride: B };
    const regions = stitcher.add(spec, spec.read, values, B, null);
    stitching += performance.now() - t;
    t = performance.now();
    for (const r of regions) classify(r.grid);
    classifying += performance.now() - t;
  }
  const perPixel = (ms) => ((ms * 1e6) / (S * S)).toFixed(1);
  console.log(`stitch + finalize ${perPixel(stitching)} ns/px, classify ${perPixel(classifying)} ns/px`);
}
