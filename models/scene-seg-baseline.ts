/**
 * The baseline the segmentation U-Net (models/scene-seg) is compared with: for each class, the
 * best IoU any single threshold on any one band or index (blue, green, red, nir, NDVI, NDWI,
 * brightness) reaches on the test scene, either side of the threshold. The threshold is chosen
 * on the test labels themselves, so this is an upper bound for a per-pixel threshold rule.
 *
 *   node --import tsx models/scene-seg-baseline.ts [--json]
 */
import { openSource } from "../src/io/registry.js";

const SCENE = "fixtures/scene-seg/test.s2like.u16.4b.tif";
const LABELS = "fixtures/scene-seg/test.labels.u8.tif";
const CLASSES = ["land", "water", "cloud", "shadow"];

/** The best IoU of `index <= t` or `index > t` against `truth`, over every threshold t. */
export function bestThresholdIou(index: Float64Array, truth: Uint8Array): { iou: number; threshold: number; side: "<=" | ">" } {
  const order = Array.from(index.keys()).sort((a, b) => (index[a] as number) - (index[b] as number));
  let positives = 0;
  for (const v of truth) positives += v;
  const negatives = truth.length - positives;
  let best = { iou: 0, threshold: Number.NaN, side: "<=" as "<=" | ">" };
  let pos = 0;
  let neg = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    if (truth[i]) pos++;
    else neg++;
    const next = order[k + 1];
    if (next !== undefined && index[next] === index[i]) continue; // cut only between distinct values
    const below = pos / (positives + neg); // predicted: index <= t
    const above = (positives - pos) / (positives + (negatives - neg)); // predicted: index > t
    if (below > best.iou) best = { iou: below, threshold: index[i] as number, side: "<=" };
    if (above > best.iou) best = { iou: above, threshold: index[i] as number, side: ">" };
  }
  return best;
}

async function main(): Promise<void> {
  const src = await openSource(SCENE);
  const lab = await openSource(LABELS);
  const { width, height } = src.meta;
  const whole = { x: 0, y: 0, width, height };
  const img = await src.readWindow(whole);
  const labels = await lab.readWindow(whole);
  const n = width * height;
  const cells: number[] = [];
  for (let i = 0; i < n; i++) if (labels.data[i] !== 255 && img.data[i] !== 0) cells.push(i);
  const band = (b: number) => Float64Array.from(cells, (i) => img.data[b * n + i] as number);
  const [blue, green, red, nir] = [0, 1, 2, 3].map(band) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const ratio = (a: Float64Array, b: Float64Array) => a.map((v, k) => (v - (b[k] as number)) / (v + (b[k] as number)));
  const indices: Record<string, Float64Array> = {
    blue,
    green,
    red,
    nir,
    ndvi: ratio(nir, red),
    ndwi: ratio(green, nir),
    brightness: blue.map((v, k) => v + (green[k] as number) + (red[k] as number) + (nir[k] as number)),
  };
  const rows = CLASSES.map((name, c) => {
    const truth = Uint8Array.from(cells, (i) => (labels.data[i] === c ? 1 : 0));
    let best = { index: "", iou: 0, threshold: 0, side: "<=" };
    for (const [index, values] of Object.entries(indices)) {
      const r = bestThresholdIou(values, truth);
      if (r.iou > best.iou) best = { index, ...r };
    }
    return { class: name, ...best };
  });
  if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify(rows)}\n`);
  else for (const r of rows) console.log(`${r.class.padEnd(7)} IoU ${r.iou.toFixed(4)}  (${r.index} ${r.side} ${+r.threshold.toFixed(4)})`);
  await src.close();
  await lab.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
