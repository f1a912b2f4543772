/**
 * How much of each tile's prediction a run cuts before blending. The trim for `stitch.trim`: `auto` cuts the model's receptive-field radius when the halo holds
 * it, so blended tiles equal whole-scene inference; when it does not, nothing is cut (blending
 * still hides seams) and a warning says tiles may differ from whole-scene inference.
 */
export function stitchTrim(
  trim: "auto" | number,
  overlap: number,
  weights: string,
  receptiveField: number | undefined,
): { trim: number; warning?: string } {
  if (weights === "crop") return { trim: 0 };
  const radius = receptiveField === undefined ? 0 : Math.floor(receptiveField / 2);
  const warning =
    radius > overlap
      ? `the model sees ${receptiveField} px (radius ${radius}); a ${overlap} px halo cannot make tiled inference equal whole-scene inference (tiling.overlap >= ${radius} can)`
      : undefined;
  const t = trim === "auto" ? (radius <= overlap ? radius : 0) : trim;
  return { trim: t, ...(warning ? { warning } : {}) };
}
