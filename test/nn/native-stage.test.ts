/**
 * Staging TensorFlow for tfjs-node's binding, on small archives made here with Python's zipfile
 * (deflated and stored entries, ZIP64 records): the header closure, the library names the
 * binding links, the wheel's version, and one-line errors for what is not a TensorFlow.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { selectBackend } from "../../src/nn/backend.js";
import { headerClosure, quotedIncludes, stageLibtensorflow } from "../../src/nn/native/libtensorflow.js";
import { openZip } from "../../src/nn/native/zip.js";
import { tmp } from "../helpers/write.js";

/** Write a ZIP with `files` (name -> text); `zip64` forces ZIP64 records, `stored` no compression. */
function makeZip(path: string, files: Record<string, string>, o: { zip64?: boolean; stored?: boolean } = {}): void {
  const script = `
import json, sys, zipfile
files = json.loads(sys.argv[2])
with zipfile.ZipFile(sys.argv[1], "w", ${o.stored ? "zipfile.ZIP_STORED" : "zipfile.ZIP_DEFLATED"}, allowZip64=True) as z:
    for name, text in files.items():
        with z.open(name, "w", force_zip64=${o.zip64 ? "True" : "False"}) as f:
            f.write(text.encode())
`;
  execFileSync("python3", ["-c", script, path, JSON.stringify(files)]);
}

const WHEEL_FILES = {
  "tensorflow/libtensorflow_cc.so.2": "cc library ".repeat(1000),
  "tensorflow/libtensorflow_framework.so.2": "framework",
  "tensorflow/include/tensorflow/c/c_api.h": '#include "tensorflow/c/tf_status.h"\n#include <stdint.h>\n',
  "tensorflow/include/tensorflow/c/eager/c_api.h": '  #  include "tensorflow/c/c_api.h"\n',
  "tensorflow/include/tensorflow/c/tf_status.h": '#include "xla/tsl/c/tsl_status.h"\n#include "not/in/the/wheel.h"\n',
  "tensorflow/include/xla/tsl/c/tsl_status.h": "// leaf\n",
  "tensorflow/include/tensorflow/core/platform/ctstring_internal.h": "// the binding includes this itself\n",
  "tensorflow/include/tensorflow/core/unrelated.h": "// never reached\n",
  "tensorflow_cpu-2.21.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: tensorflow-cpu\nVersion: 2.21.0\n",
};

describe("ZIP reading", () => {
  it.each([
    ["deflated", {}],
    ["stored", { stored: true }],
    ["ZIP64 local headers", { zip64: true }],
  ] as const)("%s entries read and extract byte for byte", async (_, o) => {
    const path = tmp("a.zip");
    const files = { "a.txt": "x".repeat(70_000), "dir/b.txt": "hello", empty: "" };
    makeZip(path, files, o);
    const zip = await openZip(path);
    expect([...zip.entries.keys()].sort()).toStrictEqual(["a.txt", "dir/b.txt", "empty"]);
    for (const [name, text] of Object.entries(files)) {
      const e = zip.entries.get(name);
      expect((await zip.read(e as NonNullable<typeof e>)).toString()).toBe(text);
      const out = tmp(`${name.replace("/", "_")}.out`);
      await zip.extract(e as NonNullable<typeof e>, out);
      expect(readFileSync(out, "utf8")).toBe(text);
    }
  });

  it("a file that is not a ZIP is a one-line error naming it", async () => {
    const path = tmp("not.whl");
    writeFileSync(path, "plain text, no directory");
    await expect(openZip(path)).rejects.toThrow(/not a ZIP archive/);
    await expect(openZip(tmp("missing.whl"))).rejects.toThrow(/cannot open \(ENOENT\)/);
  });
});

describe("staging TensorFlow", () => {
  it("include lines and the closure of the roots over what exists", async () => {
    expect(quotedIncludes('#include "a.h"\n  # include "b/c.h"\n#include <d.h>\n// #include "e.h"')).toStrictEqual([
      "a.h",
      "b/c.h",
    ]);
    const tree: Record<string, string> = {
      "r.h": '#include "a.h"\n#include "gone.h"',
      "a.h": '#include "r.h"',
      "x.h": "",
    };
    const got = await headerClosure(
      (n) => n in tree,
      async (n) => tree[n] as string,
      ["r.h"],
    );
    expect(got).toStrictEqual(["a.h", "r.h"]);
  });

  it("a wheel: the reachable headers, the two libraries, the names the binding links, the version", async () => {
    const wheel = tmp("tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl");
    makeZip(wheel, WHEEL_FILES);
    const deps = tmp("deps");
    const staged = await stageLibtensorflow(wheel, deps, ["tensorflow/core/platform/ctstring_internal.h"]);
    expect(staged).toStrictEqual({ kind: "wheel", version: "2.21.0", headers: 5 });
    expect(existsSync(join(deps, "include/tensorflow/core/unrelated.h"))).toBe(false);
    expect(readFileSync(join(deps, "include/xla/tsl/c/tsl_status.h"), "utf8")).toBe("// leaf\n");
    expect(readFileSync(join(deps, "lib/libtensorflow_cc.so.2"), "utf8")).toBe(
      WHEEL_FILES["tensorflow/libtensorflow_cc.so.2"],
    );
    expect(readlinkSync(join(deps, "lib/libtensorflow.so"))).toBe("libtensorflow_cc.so.2");
    expect(readlinkSync(join(deps, "lib/libtensorflow_framework.so"))).toBe("libtensorflow_framework.so.2");
  });

  it("a directory (an installed wheel's package): linked, not copied", async () => {
    const dir = tmp("site-packages-tensorflow");
    for (const [name, text] of Object.entries(WHEEL_FILES)) {
      if (!name.startsWith("tensorflow/")) continue;
      const p = join(dir, name.slice("tensorflow/".length));
      mkdirSync(join(p, ".."), { recursive: true });
      writeFileSync(p, text);
    }
    const deps = tmp("deps-dir");
    expect(await stageLibtensorflow(dir, deps)).toStrictEqual({ kind: "directory", version: null, headers: null });
    expect(readlinkSync(join(deps, "include"))).toBe(join(dir, "include"));
    expect(readlinkSync(join(deps, "lib/libtensorflow_cc.so.2"))).toBe(join(dir, "libtensorflow_cc.so.2"));
    expect(readdirSync(join(deps, "lib")).sort()).toStrictEqual([
      "libtensorflow.so",
      "libtensorflow_cc.so.2",
      "libtensorflow_framework.so",
      "libtensorflow_framework.so.2",
    ]);
  });

  it("what is not a TensorFlow is refused in one line naming it", async () => {
    const other = tmp("numpy-2.0-cp311.whl");
    makeZip(other, { "numpy/__init__.py": "" });
    await expect(stageLibtensorflow(other, tmp("d1"))).rejects.toThrow(/not a TensorFlow wheel for Linux/);
    await expect(stageLibtensorflow(tmp("nothing.whl"), tmp("d2"))).rejects.toThrow(/no such file or directory/);
    const txt = tmp("notes.txt");
    writeFileSync(txt, "");
    await expect(stageLibtensorflow(txt, tmp("d3"))).rejects.toThrow(/expected a TensorFlow wheel/);
    const bad = tmp("bad.tar.gz");
    writeFileSync(bad, "not gzip");
    await expect(stageLibtensorflow(bad, tmp("d4"))).rejects.toThrow(/tar could not unpack it/);
  });
});

describe("broadcast gradients of Sum and Mean", () => {
  it("equal dy spread over the reduced axes (divided by their size for Mean)", async () => {
    await selectBackend({ prefer: "cpu" }); // registers them
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3]);
    const w = tf.tensor2d([1, 10, 100, 1000, 10000, 100000], [2, 3]);
    const dSum = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.sum(v, 1), w)))(x);
    expect(Array.from(dSum.dataSync())).toStrictEqual([
      1, 10, 100, 1, 10, 100, 1000, 10000, 100000, 1000, 10000, 100000,
    ]);
    const dMean = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.mean(v, [0, 1]), tf.tensor1d([4, 8, 12]))))(x);
    expect(Array.from(dMean.dataSync())).toStrictEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
  });
});
