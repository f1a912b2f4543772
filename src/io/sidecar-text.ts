/**
 * The text of a small file beside a raster (GDAL's `.aux.xml`, a world file): none when it is
 * missing, and an error naming it when it cannot be read or is larger than such a file can
 * plausibly be, so a hostile one cannot fill memory.
 *
 * Internal (used by `geotiff/pam.ts` and `geotiff/world-file.ts`).
 */
import { open } from "node:fs/promises";
import { TilecastError } from "../errors.js";
import { checkInputKind, INPUT_FLAGS } from "./input-file.js";

const ABSENT = new Set(["ENOENT", "ENOTDIR", "EISDIR"]);

/** `path`'s text, or null when there is no such file (or it is a directory). */
export async function readSidecar(path: string, maxBytes: number): Promise<string | null> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, INPUT_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    if (ABSENT.has(code)) return null;
    throw new TilecastError("E_FORMAT", `cannot read it (${code || "error"})`, { path, cause: e });
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) return null;
    checkInputKind(st, path);
    if (st.size > maxBytes)
      throw new TilecastError("E_TOO_LARGE", `it is ${st.size} bytes; a file of its kind is under ${maxBytes}`, {
        path,
      });
    return await fh.readFile("utf8");
  } catch (e) {
    if (e instanceof TilecastError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? "";
    if (ABSENT.has(code)) return null;
    throw new TilecastError("E_FORMAT", `cannot read it (${code || "error"})`, { path, cause: e });
  } finally {
    await fh.close();
  }
}
