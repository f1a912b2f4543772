/**
 * Staging a TensorFlow C library for tfjs-node's binding: `deps/lib` with the shared libraries
 * under the names the binding links (`-ltensorflow -ltensorflow_framework`) and `deps/include`
 * with the C API headers it includes. Three sources:
 *
 * - a TensorFlow wheel (`tensorflow` or `tensorflow-cpu`, `.whl`): its `libtensorflow_cc.so.2`
 *   exports the C and eager C APIs; `libtensorflow.so` is made to point at it. Only the headers
 *   the binding's sources reach (a few dozen of the wheel's 13,000) are taken out;
 * - a libtensorflow C archive (`.tar.gz`, with `lib/` and `include/`), unpacked with `tar`;
 * - a directory: a libtensorflow tree (`lib/`, `include/`) or an installed wheel's `tensorflow/`
 *   package directory, linked rather than copied.
 *
 * Internal (not exported from the package); for example:
 * ```ts internal
 * import { stageLibtensorflow } from "tilecast";
 * const staged = await stageLibtensorflow("tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl", "/tmp/deps");
 * console.log(staged.kind, staged.version); // wheel 2.21.0
 * ```
 */
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { TilecastError } from "../../errors.js";
import { openZip, type Zip, type ZipEntry } from "./zip.js";

/** What was staged, from what. */
export interface StagedLibrary {
  kind: "wheel" | "tarball" | "directory";
  /** TensorFlow's version when the source says it (wheels do), else null. */
  version: string | null;
  /** Header files placed (wheels), or null when a whole include tree was linked or unpacked. */
  headers: number | null;
}

/** The C API headers every binding includes; {@link stageLibtensorflow} takes more roots. */
const ROOT_HEADERS = ["tensorflow/c/c_api.h", "tensorflow/c/eager/c_api.h"];

/** The `#include "..."` names in C or C++ source text. */
export function quotedIncludes(text: string): string[] {
  return [...text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)].map((m) => m[1] as string);
}

/** Every header the roots reach through `#include "..."` lines, among those `has` knows. */
export async function headerClosure(
  has: (name: string) => boolean,
  read: (name: string) => Promise<string>,
  roots: readonly string[] = ROOT_HEADERS,
): Promise<string[]> {
  const seen = new Set<string>();
  const queue = roots.filter(has);
  while (queue.length > 0) {
    const h = queue.pop() as string;
    if (seen.has(h)) continue;
    seen.add(h);
    for (const inc of quotedIncludes(await read(h))) if (!seen.has(inc) && has(inc)) queue.push(inc);
  }
  return [...seen].sort();
}

/** Link `libtensorflow.so` and `libtensorflow_framework.so` (what `-l` finds) to the real files. */
async function linkNames(lib: string, cc: string, framework: string): Promise<void> {
  await symlink(cc, join(lib, "libtensorflow.so"));
  await symlink(framework, join(lib, "libtensorflow_framework.so"));
}

async function fromWheel(path: string, deps: string, roots: readonly string[]): Promise<StagedLibrary> {
  const zip: Zip = await openZip(path);
  const names = [...zip.entries.keys()];
  const find = (base: string) => names.find((n) => n.endsWith(`/${base}`) && !n.includes("/include/"));
  const cc = find("libtensorflow_cc.so.2");
  const framework = find("libtensorflow_framework.so.2");
  if (!cc || !framework)
    throw new TilecastError(
      "E_FORMAT",
      "not a TensorFlow wheel for Linux: no libtensorflow_cc.so.2 and libtensorflow_framework.so.2",
      { path },
    );
  const prefix = `${dirname(cc)}/include/`;
  const entry = (name: string) => zip.entries.get(prefix + name) as ZipEntry;
  const headers = await headerClosure(
    (n) => zip.entries.has(prefix + n),
    async (n) => (await zip.read(entry(n))).toString("utf8"),
    [...new Set([...ROOT_HEADERS, ...roots])],
  );
  if (!headers.includes(ROOT_HEADERS[1] as string))
    throw new TilecastError("E_FORMAT", `the wheel has no C API headers (${prefix}tensorflow/c/eager/c_api.h)`, {
      path,
    });
  for (const h of headers) {
    const dest = join(deps, "include", h);
    await mkdir(dirname(dest), { recursive: true });
    await writeFile(dest, await zip.read(entry(h)));
  }
  const lib = join(deps, "lib");
  await mkdir(lib, { recursive: true });
  for (const name of [cc, framework])
    await zip.extract(zip.entries.get(name) as ZipEntry, join(lib, name.split("/").pop() as string));
  await linkNames(lib, "libtensorflow_cc.so.2", "libtensorflow_framework.so.2");
  const meta = names.find((n) => /\.dist-info\/METADATA$/.test(n));
  const metadata = meta ? (await zip.read(zip.entries.get(meta) as ZipEntry)).toString("utf8") : "";
  const version = /^Version:\s*(\S+)/m.exec(metadata)?.[1];
  return { kind: "wheel", version: version ?? null, headers: headers.length };
}

async function fromTarball(path: string, deps: string): Promise<StagedLibrary> {
  await mkdir(deps, { recursive: true });
  const r = spawnSync("tar", ["-xzf", path, "-C", deps], { encoding: "utf8" });
  if (r.status !== 0)
    throw new TilecastError(
      "E_FORMAT",
      `tar could not unpack it (${(r.stderr || r.error?.message || "").trim().split("\n")[0]})`,
      {
        path,
      },
    );
  if (
    !existsSync(join(deps, "lib", "libtensorflow.so")) ||
    !existsSync(join(deps, "include", ROOT_HEADERS[0] as string))
  )
    throw new TilecastError(
      "E_FORMAT",
      "not a libtensorflow C archive: no lib/libtensorflow.so and include/tensorflow/c/c_api.h",
      {
        path,
      },
    );
  return { kind: "tarball", version: null, headers: null };
}

async function fromDirectory(path: string, deps: string): Promise<StagedLibrary> {
  const dir = resolve(path);
  await mkdir(deps, { recursive: true });
  const include = join(dir, "include");
  if (!existsSync(join(include, ROOT_HEADERS[1] as string)))
    throw new TilecastError(
      "E_FORMAT",
      "no include/tensorflow/c/eager/c_api.h here: not a libtensorflow tree or wheel directory",
      {
        path,
      },
    );
  await symlink(include, join(deps, "include"));
  if (existsSync(join(dir, "lib", "libtensorflow.so"))) {
    await symlink(join(dir, "lib"), join(deps, "lib")); // a libtensorflow tree
    return { kind: "directory", version: null, headers: null };
  }
  const cc = join(dir, "libtensorflow_cc.so.2");
  const framework = join(dir, "libtensorflow_framework.so.2");
  if (!existsSync(cc) || !existsSync(framework))
    throw new TilecastError("E_FORMAT", "neither lib/libtensorflow.so nor libtensorflow_cc.so.2 here", { path });
  const lib = join(deps, "lib");
  await mkdir(lib);
  await symlink(cc, join(lib, "libtensorflow_cc.so.2"));
  await symlink(framework, join(lib, "libtensorflow_framework.so.2"));
  await linkNames(lib, "libtensorflow_cc.so.2", "libtensorflow_framework.so.2");
  return { kind: "directory", version: null, headers: null };
}

/**
 * Stage the library at `from` into `deps` (which must be empty or absent); see the module
 * documentation. `roots`: headers the binding's own sources include, beyond the C API's two.
 */
export async function stageLibtensorflow(
  from: string,
  deps: string,
  roots: readonly string[] = [],
): Promise<StagedLibrary> {
  if (!existsSync(from)) throw new TilecastError("E_NOT_FOUND", "no such file or directory", { path: from });
  if (existsSync(deps) && (await readdir(deps)).length > 0)
    throw new TilecastError("E_ARGUMENT", "the staging directory is not empty", { path: deps });
  if (statSync(from).isDirectory()) return fromDirectory(from, deps);
  if (from.endsWith(".whl")) return fromWheel(from, deps, roots);
  if (/\.(tar\.gz|tgz)$/.test(from)) return fromTarball(from, deps);
  throw new TilecastError(
    "E_ARGUMENT",
    "expected a TensorFlow wheel (.whl), a libtensorflow archive (.tar.gz) or a directory",
    {
      path: from,
    },
  );
}
