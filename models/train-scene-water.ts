/**
 * Trains `models/scene-water`: a small U-Net that segments water (NDVI < 0) in the bundled
 * Sentinel-2-like demo scene, so that the model pipeline (`pipelines/scene-water.yaml`) has a
 * real model to run. Deterministic: seeded crops and initialisers. Columns 0-383 train; the
 * last 128 columns are held out and give the IoU written to the card.
 *
 *   node --import tsx models/train-scene-water.ts [--backend wasm|cpu] [--steps 200]
 */
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { lastValueFrom } from "rxjs";
import { computeStats, normalizeGrid, openGeoTiff, planTiles, readTiles, Rng, exportModelDir, saveModelDir, saveStats, selectBackend, unet } from "../src/index.js";

const SCENE = "fixtures/demo/scene.s2like.u16.4b.tif";
const OUT = "models/scene-water";
const TILE = 64;
const HOLDOUT = 384;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] as string) : fallback;
}

async function main(): Promise<void> {
  const backend = await selectBackend({ prefer: arg("--backend", "wasm") });
  const steps = Number(arg("--steps", "200"));
  const src = await openGeoTiff(SCENE);
  const { width, height } = src.meta;
  const stats = await lastValueFrom(readTiles(src, planTiles({ width, height, tileSize: 128 })).pipe(computeStats()));
  const grid = await src.readWindow({ x: 0, y: 0, width, height });
  const raw = grid.data as Uint16Array;
  const plane = width * height;
  const water = new Float32Array(plane);
  for (let i = 0; i < plane; i++) {
    const red = raw[2 * plane + i] as number;
    const nir = raw[3 * plane + i] as number;
    water[i] = (nir - red) / (nir + red) < 0 ? 1 : 0;
  }
  const x = tf.tidy(() => tf.tensor3d(normalizeGrid(grid, stats).data as Float32Array, [4, height, width]).transpose([1, 2, 0]));
  const y = tf.tensor3d(water, [height, width, 1]);

  const model = unet({ inputShape: [null, null, 4], depth: 2, filters: 8, seed: 42 });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "binaryCrossentropy" });
  const rng = new Rng(7);
  const crop = (t: tf.Tensor3D, r: number, c: number) => t.slice([r, c, 0], [TILE, TILE, -1]);
  let loss = Number.NaN;
  for (let step = 0; step < steps; step++) {
    const [bx, by] = tf.tidy(() => {
      const at = Array.from({ length: 8 }, () => [Math.floor(rng.uniform() * (height - TILE)), Math.floor(rng.uniform() * (HOLDOUT - TILE))] as const);
      return [tf.stack(at.map(([r, c]) => crop(x, r, c))), tf.stack(at.map(([r, c]) => crop(y, r, c)))];
    });
    loss = (await model.trainOnBatch(bx, by)) as number;
    tf.dispose([bx, by]);
    if (step % 50 === 0 || step === steps - 1) console.log(`step ${step} loss ${loss.toFixed(4)}`);
  }
  // IoU of (p > 0.5) against the label on the held-out columns, predicted as one window.
  const iou = tf.tidy(() => {
    const hx = x.slice([0, HOLDOUT, 0], [-1, width - HOLDOUT, -1]).expandDims(0);
    const p = (model.predict(hx) as tf.Tensor).greater(0.5);
    const t = y.slice([0, HOLDOUT, 0], [-1, width - HOLDOUT, -1]).expandDims(0).greater(0.5);
    const inter = tf.logicalAnd(p, t).sum().dataSync()[0] as number;
    const union = tf.logicalOr(p, t).sum().dataSync()[0] as number;
    return inter / union;
  });
  console.log(`held-out IoU ${iou.toFixed(4)}`);
  await saveStats(join(OUT, "stats.json"), stats).catch(() => undefined); // directory made below
  await saveModelDir(OUT, model, {
    architecture: { type: "unet", options: { depth: 2, filters: 8, seed: 42 } },
    inputs: ["blue", "green", "red", "nir"].map((name, b) => ({ name, mean: stats.bands[b]?.mean, std: stats.bands[b]?.std })),
    outputs: [{ name: "water", units: "probability" }],
    tileSize: TILE,
    training: { data: `${SCENE} columns 0-${HOLDOUT - 1}, label NDVI < 0`, steps, loss: "binaryCrossentropy" },
    metrics: { heldOutIoU: Math.round(iou * 1e4) / 1e4, finalLoss: Math.round(loss * 1e4) / 1e4 },
    backend: backend.backend,
  });
  await saveStats(join(OUT, "stats.json"), stats);
  await exportModelDir(OUT); // model.onnx beside model.json, for ONNX Runtime inference
  await src.close();
  console.log(`wrote ${OUT}`);
}

main().catch((e) => {
  console.error(`train-scene-water: ${(e as Error).message}`);
  process.exit(1);
});
