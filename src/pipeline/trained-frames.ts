/**
 * What a sequence or state model learned its dynamics at, recorded in `card.json`'s `frames` by
 * `tilecast train` and checked by a forecast before it runs: the minutes between frames, and the
 * size of a cell on the ground. Fed another step or another cell size, a model runs without a
 * complaint and is wrong: a nowcaster trained on 5-minute, 4 km radar moves rain at the speed
 * it learned in cells per step, so on a 10-minute archive or a 1 km grid its rain moves at half
 * or a quarter of the real speed, and its leads are labelled with the input's step.
 *
 * @example
 * ```ts
 * import { openSource } from "tilecast/io";
 * import { trainedFrames } from "tilecast/pipeline";
 * const src = await openSource("fixtures/radar-knmi/knmi-20100826.rain-4km.zarr");
 * trainedFrames(src); // { stepMinutes: 5, cell: { x: 4000, y: 4000, units: "m" } }
 * await src.close();
 * ```
 */
import { TilecastError } from "../errors.js";
import { isGeographic, proj4, proj4Definition } from "../grid/crs.js";
import { type Georef, placingTransform } from "../grid/grid.js";
import type { GridSource } from "../io/types.js";
import { checkRegular } from "../train/sequences.js";

/** A cell's size: in metres on a projected grid, in degrees on a geographic one. */
export interface CellSize {
  x: number;
  y: number;
  units: "m" | "degree";
}

/** What a card records of the frames a model learned from. */
export interface TrainedFrames {
  stepMinutes?: number;
  cell?: CellSize;
}

/** Metres per unit of a projected CRS's axes (1 where it cannot be told). */
function metresPerUnit(georef: Georef): number {
  try {
    const p = proj4()(proj4Definition(georef.crs as NonNullable<Georef["crs"]>)) as unknown as {
      oProj?: { to_meter?: number };
    };
    return p.oProj?.to_meter ?? 1;
  } catch {
    return 1;
  }
}

/** The size of a cell of `georef`'s grid, or undefined where the grid has no transform or CRS. */
export function cellSize(georef: Georef | null): CellSize | undefined {
  const gt = georef && placingTransform(georef);
  if (!georef?.crs || !gt) return undefined;
  const [x, y] = [Math.hypot(gt[1], gt[4]), Math.hypot(gt[2], gt[5])];
  if (isGeographic(georef.crs)) return { x, y, units: "degree" };
  const m = metresPerUnit(georef);
  return { x: x * m, y: y * m, units: "m" };
}

/** The step (fixed steps only) and cell size of `src`'s frames, as a card records them. */
export function trainedFrames(src: GridSource): TrainedFrames {
  const { stepMs, cadence } = checkRegular(src.meta.attrs.bandNames as string[], true, src.meta.path);
  const cell = cellSize(src.meta.georef);
  return { ...(cadence === "fixed" ? { stepMinutes: stepMs / 60_000 } : {}), ...(cell ? { cell } : {}) };
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-3 * Math.max(Math.abs(a), Math.abs(b));
const cellText = (c: CellSize) => `${+c.x.toPrecision(6)} x ${+c.y.toPrecision(6)} ${c.units}`;

/**
 * An error naming the model and the input when the input's frames are another step apart, or its
 * cells of another size (beyond a thousandth), than those the model learned from; nothing for
 * what the card does not record (models trained before it was recorded).
 */
export function checkTrainedFrames(
  trained: TrainedFrames,
  stepMs: number,
  georef: Georef | null,
  model: string,
  path: string,
): void {
  const minutes = stepMs / 60_000;
  if (trained.stepMinutes !== undefined && trained.stepMinutes !== minutes)
    throw new TilecastError(
      "E_ARGUMENT",
      `the model in ${model} was trained on frames ${trained.stepMinutes} min apart; the input's are ${minutes} min apart (resample the input, or train on its step)`,
      { path },
    );
  const cell = cellSize(georef);
  const t = trained.cell;
  if (t && cell && (t.units !== cell.units || !near(t.x, cell.x) || !near(t.y, cell.y)))
    throw new TilecastError(
      "E_ARGUMENT",
      `the model in ${model} was trained on cells of ${cellText(t)}; the input's are ${cellText(cell)} (regrid the input, or train on its grid)`,
      { path },
    );
}
