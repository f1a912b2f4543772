/**
 * The memory budget: the most bytes one allocation, or one run's planned working set, may take.
 * `TILECAST_MEMORY_BUDGET` sets it (`2GiB`, `512MB`, `1e9`); the default is half the machine's
 * memory, at most 8 GiB. Inputs whose metadata would need more (a window, a chunk, a tile plan)
 * are refused before anything is allocated, with an error that says so.
 */
import { totalmem } from "node:os";
import { TilecastError } from "../errors.js";

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  // Kubernetes' spellings, as a pod's memory limit is written (2G is 2e9, 512Mi 512 MiB).
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
  ti: 1024 ** 4,
};

/** Parse `2GiB`, `512MB`, `1TB`, `2G`, `512Mi`, `1e9` (bytes); null when it is not a size. */
export function parseBytes(text: string): number | null {
  const m = /^\s*([0-9.]+(?:e[0-9]+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(m?.[2] ?? "").toLowerCase()];
  const n = m ? Number(m[1]) : Number.NaN;
  return unit !== undefined && Number.isFinite(n) && n > 0 ? n * unit : null;
}

let cached: { env: string | undefined; bytes: number } | null = null;

/** The budget in bytes (see the module documentation); parsed once per value of the variable. */
export function memoryBudget(): number {
  const env = process.env.TILECAST_MEMORY_BUDGET;
  if (cached !== null && cached.env === env) return cached.bytes;
  const bytes = readBudget(env);
  cached = { env, bytes };
  return bytes;
}

function readBudget(env: string | undefined): number {
  if (env) {
    const n = parseBytes(env);
    if (n === null)
      throw new TilecastError(
        "E_ARGUMENT",
        `TILECAST_MEMORY_BUDGET must be a size such as 2GiB, 512MB or 1TB, got '${env}'`,
      );
    return n;
  }
  return Math.min(8 * 1024 ** 3, totalmem() / 2);
}

/** `1.5 GiB`-style text for errors. */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}

/**
 * Throw `E_TOO_LARGE` when `bytes` (for `what`) would pass the budget or is not a size at all.
 *
 * @example
 * ```ts internal
 * checkBudget(4 * 2 ** 40, "a 1048576 x 1048576 float32 window", "big.tif"); // throws E_TOO_LARGE
 * ```
 */
export function checkBudget(bytes: number, what: string, path?: string): void {
  const budget = memoryBudget();
  if (Number.isFinite(bytes) && bytes >= 0 && bytes <= budget) return;
  throw new TilecastError(
    "E_TOO_LARGE",
    `${what} would need ${Number.isFinite(bytes) ? formatBytes(bytes) : "an unbounded amount of memory"}, over the memory budget of ${formatBytes(budget)} (set TILECAST_MEMORY_BUDGET to change it)`,
    path ? { path } : {},
  );
}
