/**
 * An input whose declared units are not those the model was trained on: radar reflectivity in
 * dBZ fed to a nowcaster of rain rates in mm h-1, temperatures in degC to a model of K. The model
 * card records each input's units; a Zarr variable's `units` or a GeoTIFF band's unit type says
 * the input's. Where both are given and differ, runs and forecasts warn, beside the training-range
 * warning (`training-range.ts`), which needs a statistics file and so misses models trained
 * without normalization (the radar nowcaster).
 *
 * Units compare by what they say, not how they are spelled: `mm h-1`, `mm/h`, `mm hr-1` and
 * `mm h**-1` are one unit; `K` and `kelvin` one; `degC`, `°C` and `celsius` one.
 *
 * Internal (used by `run.ts` and `forecast.ts`).
 */

/** Spellings of one unit symbol. */
const ALIASES: Record<string, string> = {
  hr: "h",
  hour: "h",
  hours: "h",
  sec: "s",
  second: "s",
  seconds: "s",
  min: "min",
  minute: "min",
  minutes: "min",
  kelvin: "K",
  degk: "K",
  deg_k: "K",
  k: "K",
  degc: "degC",
  deg_c: "degC",
  "°c": "degC",
  celsius: "degC",
  degrees_celsius: "degC",
  meter: "m",
  meters: "m",
  metre: "m",
  metres: "m",
  millimeter: "mm",
  millimeters: "mm",
  millimetre: "mm",
  millimetres: "mm",
  percent: "%",
};

/** A unit as symbol -> exponent, in a canonical text; null for text it cannot read. */
export function canonicalUnit(text: string): string | null {
  const t = text.trim();
  if (t === "" || t === "1" || t === "-") return "1";
  const terms = new Map<string, number>();
  // "m**-2" and "m^-2" are "m-2"; "kg/m2/s" divides by each part after the first.
  for (const [i, part] of t
    .replace(/\*\*|\^/g, "")
    .split("/")
    .entries()) {
    for (const token of part.split(/[\s*·]+/).filter(Boolean)) {
      const m = /^([A-Za-z°%_]+)([+-]?\d+)?$/.exec(token);
      if (!m) return null;
      const base = m[1] as string;
      const symbol = ALIASES[base.toLowerCase()] ?? base;
      const power = Number(m[2] ?? 1) * (i > 0 ? -1 : 1);
      terms.set(symbol, (terms.get(symbol) ?? 0) + power);
    }
  }
  return [...terms]
    .filter(([, p]) => p !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([s, p]) => `${s}${p === 1 ? "" : p}`)
    .join(" ");
}

/** True when two unit texts say the same unit (or read as the same text where they cannot be parsed). */
export function sameUnits(a: string, b: string): boolean {
  const [ca, cb] = [canonicalUnit(a), canonicalUnit(b)];
  return ca !== null && cb !== null ? ca === cb : a.trim() === b.trim();
}

/**
 * The warning for inputs whose declared units differ from the trained ones, band by band (names
 * from `names`), or null. Bands without units on either side are not compared.
 */
export function unitsWarning(
  trained: readonly (string | null | undefined)[],
  input: readonly (string | null | undefined)[] | null,
  names: readonly (string | null | undefined)[] = [],
): string | null {
  const differ = trained.flatMap((want, b) => {
    const have = input?.[b];
    if (!want || !have || sameUnits(want, have)) return [];
    // One variable by its name (a forecast's), a band by its number and name.
    const name = names[b];
    const which = name && trained.length === 1 ? `'${name}'` : name ? `band ${b + 1} (${name})` : `band ${b + 1}`;
    return [`${which} is in ${have}, the model's in ${want}`];
  });
  return differ.length ? `the input's units are not the model's: ${differ.join("; ")}` : null;
}

/** Warnings about the input, joined in one line, or undefined when there are none. */
export function joinWarnings(...parts: (string | null | undefined)[]): string | undefined {
  return parts.filter(Boolean).join("; ") || undefined;
}
