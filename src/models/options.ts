/**
 * Validation of model options against a descriptor's schema, with errors that name the model
 * and the key (`model unet: depth: expected number`).
 */
import type { z } from "zod";
import { TilecastError } from "../errors.js";
import { safeParseNullAsAbsent } from "../util/null-as-absent.js";

/**
 * Parse `options` with `d.options`; the error names the model type and the offending key.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { parseOptions } from "tilecast/models";
 * console.log(parseOptions({ name: "m", options: z.strictObject({ k: z.number() }) }, { k: 2 })); // { k: 2 }
 * ```
 */
export function parseOptions<S extends z.ZodType>(
  d: { readonly name: string; readonly options: S },
  options: Record<string, unknown>,
): z.infer<S> {
  const r = safeParseNullAsAbsent(d.options, options);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = issue?.path.join(".") || "options";
  const msg =
    issue?.code === "unrecognized_keys"
      ? `unknown key '${(issue.keys as string[]).join("', '")}'`
      : `${key}: ${issue?.message}`;
  throw new TilecastError("E_ARGUMENT", `model ${d.name}: ${msg}`);
}
