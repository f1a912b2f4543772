/**
 * The bundled example job (`npm run demo`, `npx tilecast demo`): stream the bundled scene through
 * the tile stages into a new GeoTIFF, describe it and draw a quicklook; then run the shipped
 * water-segmentation U-Net over it (sliding windows, Hann blending) into a probability GeoTIFF
 * and its quicklook. Everything is read from the installed package and written under `outDir`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { TilecastError } from "../errors.js";
import { writeQuicklook } from "../io/png/quicklook.js";
import { inspectPath, openSource } from "../io/registry.js";
import { convertRaster } from "../pipeline/convert.js";
import { bundledPipeline, DEMO_SCENE } from "./bundled.js";

export { DEMO_SCENE };

/** What the demo wrote. */
export interface DemoOutputs {
  tif: string;
  json: string;
  png: string;
  /** Class probabilities (float32, 4 bands). */
  probabilities: string;
  classes: string;
  /** Classes over the image. */
  quicklook: string;
}

/** Run the demo, writing into `outDir`; returns the output paths. */
export async function runDemo(outDir: string): Promise<DemoOutputs> {
  await mkdir(outDir, { recursive: true });
  const tif = resolve(join(outDir, "scene.tif"));
  const json = resolve(join(outDir, "scene.json"));
  const png = resolve(join(outDir, "scene.png"));
  const started = Date.now();
  const r = await convertRaster(DEMO_SCENE, tif, {
    tileSize: 128,
    overlap: 16,
    outputTileSize: 256,
  });
  const { info, text } = await inspectPath(tif);
  await writeFile(json, `${JSON.stringify(info, null, 2)}\n`);
  const src = await openSource(tif);
  try {
    const g = await src.readWindow(
      { x: 0, y: 0, width: src.meta.width, height: src.meta.height },
      { bands: [2, 1, 0] },
    );
    await writeQuicklook(g, png);
  } finally {
    await src.close();
  }
  const copied = ((Date.now() - started) / 1000).toFixed(2);
  // The model part loads TensorFlow.js, so it is imported only here.
  const { selectBackend, describeBackend } = await import("../nn/backend.js");
  const { loadPipeline } = await import("../pipeline/config.js");
  const { runPipeline } = await import("../pipeline/run.js");
  const backend = await selectBackend();
  const seg = bundledPipeline("scene-seg", outDir);
  if (!seg) throw new TilecastError("E_NOT_FOUND", "the bundled scene-seg pipeline is missing from the package");
  const s = await runPipeline(await loadPipeline(seg.file, seg.sets));
  process.stdout.write(
    `${text}\n\nstreamed ${r.tiles} tiles (128 px, 16 px halo) in ${copied} s\n` +
      `segmentation (models/scene-seg U-Net: land, water, cloud, shadow; ${describeBackend(backend)}): ${s.tilesWritten} tiles in ${s.seconds.toFixed(2)} s\n` +
      `outputs:\n  ${tif}\n  ${json}\n  ${png}\n` +
      `  ${s.output} (class probabilities)\n  ${s.classes} (classes)\n  ${s.quicklook} (classes over the image)\n`,
  );
  return { tif, json, png, probabilities: s.output, classes: s.classes ?? "", quicklook: s.quicklook ?? "" };
}
