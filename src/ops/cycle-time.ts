/**
 * Cycle times in pipeline files: `{cycle}` is the cycle's ISO time, `{cycle:FORMAT}` formats it
 * with strftime fields in UTC (`%Y %m %d %H %M %S %j %y`, `%%` for a percent sign), so a file can
 * name each cycle's inputs and outputs:
 *
 * ```yaml
 * input:
 *   path: /data/radar/{cycle:%Y/%m/%d}/RAD_{cycle:%Y%m%d%H%M}.tif
 * output:
 *   path: /products/nowcast-{cycle:%Y%m%dT%H%MZ}.tif
 * ```
 *
 * @example
 * ```ts
 * import { fillCycle, parseCycle } from "tilecast/ops";
 * console.log(fillCycle("out-{cycle:%Y%m%dT%H%MZ}.tif", parseCycle("2026-11-21T12:00Z"))); // out-20261121T1200Z.tif
 * ```
 */
import { TilecastError } from "../errors.js";
import { parseUtc } from "../grid/utc-time.js";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function strftime(format: string, t: Date): string {
  const day = Math.floor((t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86400000) + 1;
  const fields: Record<string, string> = {
    Y: String(t.getUTCFullYear()),
    y: pad(t.getUTCFullYear() % 100),
    m: pad(t.getUTCMonth() + 1),
    d: pad(t.getUTCDate()),
    H: pad(t.getUTCHours()),
    M: pad(t.getUTCMinutes()),
    S: pad(t.getUTCSeconds()),
    j: pad(day, 3),
    "%": "%",
  };
  return format.replace(/%(.)/g, (all, f: string) => {
    const v = fields[f];
    if (v === undefined) throw new TilecastError("E_ARGUMENT", `{cycle:${format}}: unknown field ${all}`);
    return v;
  });
}

/** Replace every `{cycle}` and `{cycle:FORMAT}` in `text` with the cycle's time. */
export function fillCycle(text: string, cycle: Date): string {
  return text.replace(/\{cycle(?::([^}]*))?\}/g, (_all, format?: string) =>
    format === undefined ? cycle.toISOString() : strftime(format, cycle),
  );
}

/** Does the text name the cycle anywhere? */
export const usesCycle = (text: string): boolean => /\{cycle(?::[^}]*)?\}/.test(text);

/**
 * A cycle time from the command line (`2026-11-21T12:00Z`; UTC where no zone is given); an
 * error naming it otherwise.
 */
export function parseCycle(text: string): Date {
  const t = parseUtc(text);
  if (Number.isNaN(t))
    throw new TilecastError("E_ARGUMENT", `--cycle: '${text}' is not an ISO 8601 time (e.g. 2026-11-21T12:00Z)`);
  return new Date(t);
}
