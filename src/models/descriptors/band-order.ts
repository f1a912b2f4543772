/**
 * Whether the input's bands are the ones a trained model learned from, in its order, as far as
 * their names tell: a U-Net trained on `blue, green, red, nir` fed a scene stored `red, green,
 * blue, nir` runs without a complaint and segments nonsense. Where a band the card names is in
 * the input at another place, the run is refused, with the `input.bands` that reorders it when
 * every band is there. Names that tell nothing (`band 3`, none) and names the card does not use
 * (`B04` for `red`) are not compared.
 *
 * @example
 * ```ts
 * import { checkBandOrder } from "tilecast/models";
 * checkBandOrder(["blue", "red"], { names: ["blue", "red"], indices: [0, 1] }, "model"); // passes
 * ```
 */
import { TilecastError } from "../../errors.js";

/** The input's bands as the model gets them: names, and their indices in the source. */
export interface InputBands {
  names: readonly (string | null | undefined)[];
  indices: readonly number[];
  /** The input file, which the error names. */
  path?: string;
}

const GENERIC = /^band[ _]?\d+$/i;
const key = (n: string | null | undefined) => (n && !GENERIC.test(n.trim()) ? n.trim().toLowerCase() : null);

/**
 * Refuse `input` where a band the card of the model in `model` names sits at another place; see
 * the module note. `subject` says whose bands `trained` are (statistics' too: stats-bands.ts).
 */
export function checkBandOrder(
  trained: readonly (string | null)[],
  input: InputBands | undefined,
  model: string,
  subject = `the model in ${model} takes`,
): void {
  if (!input || input.names.length !== trained.length) return;
  const want = trained.map(key);
  const have = input.names.map(key);
  const moved = want.some((n, k) => n !== null && have[k] !== n && have.includes(n));
  if (!moved) return;
  const at = want.map((n) => (n === null ? -1 : have.indexOf(n)));
  const fix = at.every((i) => i >= 0) ? `: set input.bands: [${at.map((i) => input.indices[i]).join(", ")}]` : "";
  throw new TilecastError(
    "E_ARGUMENT",
    `${subject} bands ${trained.map((n) => n ?? "?").join(", ")} in that order; the input's are ${input.names.map((n) => n ?? "?").join(", ")}${fix}`,
    { path: input.path ?? model },
  );
}
