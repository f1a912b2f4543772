/**
 * `vulkanGpu`: when tilecast offers ONNX Runtime's WebGPU provider. Each case lays out a root
 * folder as a machine would have it (device nodes, the Vulkan loader, driver manifests as Mesa and
 * NVIDIA install them) and asks about that root.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { vulkanGpu } from "../../src/nn/onnx/vulkan.js";

interface Machine {
  device?: "nvidia" | "nvidia3" | "render";
  loader?: boolean;
  manifests?: Record<string, string>;
}

const NVIDIA = JSON.stringify({
  file_format_version: "1.0.1",
  ICD: { library_path: "libGLX_nvidia.so.0", api_version: "1.4" },
});
const LAVAPIPE = JSON.stringify({
  ICD: { api_version: "1.3.230", library_path: "/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so" },
});
const RADEON = JSON.stringify({
  ICD: { api_version: "1.3.230", library_path: "/usr/lib/x86_64-linux-gnu/libvulkan_radeon.so" },
});

function machine(m: Machine): string {
  const root = mkdtempSync(join(tmpdir(), "tilecast-vk-"));
  if (m.device === "nvidia" || m.device === "nvidia3") {
    mkdirSync(join(root, "dev"));
    writeFileSync(join(root, m.device === "nvidia" ? "dev/nvidia0" : "dev/nvidia3"), "");
    writeFileSync(join(root, "dev/nvidiactl"), "");
  }
  if (m.device === "render") {
    mkdirSync(join(root, "dev/dri"), { recursive: true });
    writeFileSync(join(root, "dev/dri/renderD128"), "");
  }
  if (m.loader) {
    mkdirSync(join(root, "usr/lib/x86_64-linux-gnu"), { recursive: true });
    writeFileSync(join(root, "usr/lib/x86_64-linux-gnu/libvulkan.so.1"), "");
  }
  const icd = join(root, "usr/share/vulkan/icd.d");
  mkdirSync(icd, { recursive: true });
  for (const [name, text] of Object.entries(m.manifests ?? {})) writeFileSync(join(icd, name), text);
  return root;
}

describe.runIf(process.platform === "linux")("vulkanGpu", () => {
  it("finds an NVIDIA driver beside /dev/nvidia0 and the loader", () => {
    const root = machine({ device: "nvidia", loader: true, manifests: { "nvidia_icd.json": NVIDIA } });
    expect(vulkanGpu(root, {})).toBe(join(root, "usr/share/vulkan/icd.d/nvidia_icd.json"));
    // A container given the fourth GPU of a machine sees /dev/nvidia3 alone.
    const fourth = machine({ device: "nvidia3", loader: true, manifests: { "nvidia_icd.json": NVIDIA } });
    expect(vulkanGpu(fourth, {})).toBe(join(fourth, "usr/share/vulkan/icd.d/nvidia_icd.json"));
  });

  it("finds a Mesa hardware driver beside a render node, passing over lavapipe", () => {
    const root = machine({
      device: "render",
      loader: true,
      manifests: { "lvp_icd.x86_64.json": LAVAPIPE, "radeon_icd.x86_64.json": RADEON },
    });
    expect(vulkanGpu(root, {})).toBe(join(root, "usr/share/vulkan/icd.d/radeon_icd.x86_64.json"));
  });

  it("is null with only a software driver, whatever its manifest is named", () => {
    const root = machine({ device: "render", loader: true, manifests: { "gpu.json": LAVAPIPE } });
    expect(vulkanGpu(root, {})).toBeNull();
  });

  it("is null without a GPU device, as on a machine with Mesa's drivers installed and no GPU", () => {
    const root = machine({ loader: true, manifests: { "radeon_icd.x86_64.json": RADEON, "nvidia_icd.json": NVIDIA } });
    expect(vulkanGpu(root, {})).toBeNull();
  });

  it("is null without the Vulkan loader, and finds one on LD_LIBRARY_PATH", () => {
    const root = machine({ device: "nvidia", manifests: { "nvidia_icd.json": NVIDIA } });
    expect(vulkanGpu(root, {})).toBeNull();
    const lib = join(root, "opt/vulkan/lib");
    mkdirSync(lib, { recursive: true });
    writeFileSync(join(lib, "libvulkan.so.1"), "");
    expect(vulkanGpu(root, { LD_LIBRARY_PATH: `/nowhere:${lib}` })).toBe(
      join(root, "usr/share/vulkan/icd.d/nvidia_icd.json"),
    );
  });

  it("takes only the manifests VK_DRIVER_FILES names (files or folders), as the loader does", () => {
    const root = machine({ device: "nvidia", loader: true, manifests: { "nvidia_icd.json": NVIDIA } });
    const own = join(root, "opt/icd");
    mkdirSync(own, { recursive: true });
    writeFileSync(join(own, "lvp.json"), LAVAPIPE);
    expect(vulkanGpu(root, { VK_DRIVER_FILES: join(own, "lvp.json") })).toBeNull();
    writeFileSync(join(own, "nv.json"), NVIDIA);
    expect(vulkanGpu(root, { VK_DRIVER_FILES: own })).toBe(join(own, "nv.json"));
    expect(vulkanGpu(root, { VK_ICD_FILENAMES: join(own, "nv.json") })).toBe(join(own, "nv.json"));
  });

  it("passes over a manifest that is not JSON or names no library", () => {
    const root = machine({
      device: "nvidia",
      loader: true,
      manifests: { "a_broken.json": "{ not json", "b_empty.json": "{}" },
    });
    expect(vulkanGpu(root, {})).toBeNull();
  });
});
