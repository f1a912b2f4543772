/**
 * Paths a request may name: only files under the served root. A request path is decoded once,
 * refused if any segment is `..` (or empty, or hidden), then resolved through symlinks and
 * checked to lie under the root's own real path, so neither `../` nor a symlink pointing out of
 * the root reaches anything else.
 *
 * @example
 * ```ts
 * import { safePath } from "tilecast/ops";
 * console.log(await safePath("/tmp", "../etc/passwd")); // null
 * ```
 */
import { realpath } from "node:fs/promises";
import { join, sep } from "node:path";

/** The real path of `rel` under `root`, or null when it is outside, hidden or missing. */
export async function safePath(root: string, rel: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return null;
  }
  const parts = decoded.split(/[/\\]+/).filter((p) => p !== "");
  if (parts.length === 0 || parts.some((p) => p === ".." || p === "." || p.startsWith(".") || p.includes("\0")))
    return null;
  const top = await realpath(root).catch(() => null);
  const real = await realpath(join(root, ...parts)).catch(() => null);
  if (!top || !real || !(real === top || real.startsWith(top + sep))) return null;
  return real;
}
