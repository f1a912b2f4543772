/**
 * The text of a small file beside a raster (GDAL's `.aux.xml`, a world file): none when it is
 * missing, and an error naming it when it cannot be read or is larger than such a file can
 * plausibly be, so a hostile one cannot fill memory. Beside an http(s) URL, the same over http
 * (`remote-sidecar.ts`).
 *
 * Internal (used by `geotiff/pam.ts`, `geotiff/world-file.ts` and `geotiff/rpc-sidecars.ts`).
 */
import { open } from "node:fs/promises";
import { TilecastError } from "../errors.js";
import { isUrl } from "../util/url.js";
import { checkInputKind, INPUT_FLAGS } from "./input-file.js";
import { fetchSidecar } from "./remote-sidecar.js";

const ABSENT = new Set(["ENOENT", "ENOTDIR", "EISDIR"]);

/** `path`'s text, or null when there is no such file (or it is a directory). */
export async function readSidecar(path: string, maxBytes: number): Promise<string | null> {
  if (isUrl(path)) return fetchSidecar(path, maxBytes);
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

/**
 * The first of `names` that is there (GDAL's order), with its text, or null for none. Over http
 * the names are asked for together, one round trip in place of one each; an error counts only
 * where no name before it is there, as when they are read one by one.
 */
export async function firstSidecar(
  names: readonly string[],
  maxBytes: number,
): Promise<{ name: string; text: string } | null> {
  const texts = names.map((n) =>
    readSidecar(n, maxBytes).then(
      (text) => ({ text }),
      (error: unknown) => ({ error }),
    ),
  );
  for (const [i, pending] of texts.entries()) {
    const got = await pending;
    if ("error" in got) {
      await Promise.allSettled(texts);
      throw got.error;
    }
    if (got.text !== null) return { name: names[i] as string, text: got.text };
  }
  return null;
}
