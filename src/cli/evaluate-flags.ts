/**
 * What `tilecast evaluate` scores, from its flags: class rasters (`--classes`), a nowcast store
 * (`--thresholds`) or a global forecast store (`--rmse`), one of them. A flag of another kind
 * is refused rather than ignored (`--plot` with class rasters drew nothing and exited 0), and
 * so are thresholds that are not numbers (`--thresholds 1,abc` scored every lead as NaN).
 *
 * Internal (used by evaluate.ts).
 */
import { TilecastError } from "../errors.js";
import type { EvaluateFlags } from "./evaluate.js";

/** A kind of evaluation: the flag that picks it and the flags only it takes. */
interface Kind {
  key: "classes" | "thresholds" | "rmse";
  flag: string;
  what: string;
  own: readonly (keyof EvaluateFlags)[];
}

const KINDS: readonly Kind[] = [
  { key: "classes", flag: "--classes", what: "class rasters", own: ["names"] },
  { key: "thresholds", flag: "--thresholds", what: "nowcasts", own: ["plot"] },
  { key: "rmse", flag: "--rmse", what: "global forecasts", own: ["climatologyUntil", "plot"] },
];

const FLAG: Partial<Record<keyof EvaluateFlags, string>> = {
  names: "--names",
  plot: "--plot",
  climatologyUntil: "--climatology-until",
};

const usage = (e: string) => new TilecastError("E_ARGUMENT", e);

/** The kind `o` asks for; an error where it asks for none, several, or gives another kind's flag. */
export function evaluationKind(o: EvaluateFlags): Kind["key"] {
  const chosen = KINDS.filter((k) => o[k.key] !== undefined && o[k.key] !== false);
  const all = KINDS.map((k) => `${k.flag} (${k.what})`);
  if (chosen.length === 0) throw usage(`evaluate needs ${all.slice(0, -1).join(", ")} or ${all.at(-1)}`);
  const [kind] = chosen as [Kind, ...Kind[]];
  if (chosen.length > 1)
    throw usage(`choose one of ${chosen.map((k) => k.flag).join(" and ")}: they score different things`);
  for (const other of KINDS)
    for (const key of other.own)
      if (o[key] !== undefined && !kind.own.includes(key)) {
        const owners = KINDS.filter((k) => k.own.includes(key)).map((k) => k.what);
        throw usage(`${FLAG[key]} is for ${owners.join(" and ")}, not ${kind.what}`);
      }
  return kind.key;
}

/** `--thresholds`' rain rates: finite numbers, at least one. */
export function thresholdsOf(list: string): number[] {
  const parts = list.split(",").map((s) => s.trim());
  const bad = parts.find((s) => s === "" || !Number.isFinite(Number(s)));
  if (bad !== undefined)
    throw usage(`--thresholds takes rain rates, comma-separated (e.g. 1,5); '${bad}' is not a number`);
  return parts.map(Number);
}
