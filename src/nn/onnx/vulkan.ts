/**
 * Whether a GPU is there for ONNX Runtime's WebGPU provider, known without starting it.
 * onnxruntime-node bundles that provider on Linux (Dawn over Vulkan), so it needs no CUDA
 * libraries: only the Vulkan loader and a GPU's Vulkan driver. Asking it for a device where there
 * is none costs a failed start and Dawn's warnings on stderr, so tilecast offers it only where
 * {@link vulkanGpu} finds all three: a GPU device node, the loader, and a driver manifest that is
 * not a software rasterizer (lavapipe, SwiftShader).
 *
 * @example
 * ```ts
 * import { vulkanGpu } from "tilecast/nn";
 * console.log(vulkanGpu() ?? "no Vulkan GPU"); // /usr/share/vulkan/icd.d/nvidia_icd.json on an NVIDIA machine
 * ```
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Where the Vulkan loader looks for driver manifests when no variable names them. */
const MANIFEST_DIRS = ["etc/vulkan/icd.d", "usr/local/share/vulkan/icd.d", "usr/share/vulkan/icd.d"];
/** Where distributions put the loader, `libvulkan.so.1`. */
const LOADER_DIRS = [
  "usr/lib/x86_64-linux-gnu",
  "usr/lib/aarch64-linux-gnu",
  "lib/x86_64-linux-gnu",
  "lib/aarch64-linux-gnu",
  "usr/lib64",
  "usr/lib",
  "usr/local/lib",
];
/** Drivers that draw on the CPU: slower than ONNX Runtime's own CPU provider. */
const SOFTWARE = /lvp|lavapipe|swiftshader|llvmpipe|softpipe/i;

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Whether the manifest at `path` names a hardware driver (its file or its library). */
function hardwareDriver(path: string): boolean {
  if (SOFTWARE.test(path)) return false;
  try {
    const icd = (JSON.parse(readFileSync(path, "utf8")) as { ICD?: { library_path?: unknown } }).ICD;
    return typeof icd?.library_path === "string" && !SOFTWARE.test(icd.library_path);
  } catch {
    return false;
  }
}

/**
 * The manifest of the hardware Vulkan driver the WebGPU provider would run on, or null where
 * there is none: no GPU device (`/dev/nvidiaN`, `/dev/dri/renderD*`), no Vulkan loader, or only
 * software drivers. Manifests come from `VK_DRIVER_FILES` (or the older `VK_ICD_FILENAMES`) where
 * set, as the loader takes them, else from the loader's folders under `root` and
 * `$XDG_DATA_DIRS`. Linux only: elsewhere null.
 */
export function vulkanGpu(root = "/", env: NodeJS.ProcessEnv = process.env): string | null {
  if (process.platform !== "linux") return null;
  const device =
    list(join(root, "dev")).some((n) => /^nvidia\d+$/.test(n)) ||
    list(join(root, "dev/dri")).some((n) => n.startsWith("renderD"));
  if (!device) return null;
  const libraryDirs = [
    ...(env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean),
    ...LOADER_DIRS.map((d) => join(root, d)),
  ];
  if (!libraryDirs.some((d) => existsSync(join(d, "libvulkan.so.1")))) return null;
  const named = (env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES ?? "").split(":").filter(Boolean);
  const dirs = [
    ...MANIFEST_DIRS.map((d) => join(root, d)),
    ...(env.XDG_DATA_DIRS ?? "")
      .split(":")
      .filter(Boolean)
      .map((d) => join(d, "vulkan/icd.d")),
  ];
  const inside = (d: string) =>
    list(d)
      .filter((n) => n.endsWith(".json"))
      .map((n) => join(d, n));
  // The loader takes a named folder's manifests too.
  const manifests = named.length ? named.flatMap((p) => (p.endsWith(".json") ? [p] : inside(p))) : dirs.flatMap(inside);
  return manifests.find(hardwareDriver) ?? null;
}
