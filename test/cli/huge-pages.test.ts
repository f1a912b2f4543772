/**
 * The `tilecast` command starts Node with glibc's malloc asking for transparent huge pages and
 * keeping 64 MiB of freed heap (bin/tilecast.js's sh lines), keeps a user's own GLIBC_TUNABLES,
 * and leaves an explicit choice alone; `tilecast doctor` reports what the process got.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeHugePages, TOP_PAD, withTilecastTunables } from "../../src/util/huge-pages.js";
import { BIN } from "../helpers/cli.js";

const PAD = "glibc.malloc.top_pad=67108864";

interface Report {
  hugePages: {
    kernel: string | null;
    defrag: string | null;
    requested: boolean;
    topPad: number | null;
    tunables: string | null;
    inUse: boolean | null;
  };
}

/** Run the command file itself (its `#!/bin/sh` line), as a shell or npm's bin link does. */
function doctor(env: Record<string, string | undefined>, viaNode = false): Report["hugePages"] {
  const merged = { ...process.env, ...env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete merged[k];
  const r = viaNode
    ? spawnSync(process.execPath, [BIN, "doctor", "--json"], { encoding: "utf8", env: merged })
    : spawnSync(BIN, ["doctor", "--json"], { encoding: "utf8", env: merged });
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Report).hugePages;
}

describe("huge pages for the tilecast command", () => {
  it("asks malloc for huge pages when nothing is set", () => {
    const r = doctor({ GLIBC_TUNABLES: undefined });
    expect(r.requested).toBe(true);
    expect(r.tunables).toBe(`glibc.malloc.hugetlb=1:${PAD}`);
    expect(r.topPad).toBe(64 * 1024 * 1024);
    if (r.kernel === "never") expect(r.inUse).toBe(false);
    // The kernel's defrag mode, the bracketed word of its file ("always defer [madvise] never").
    const file = "/sys/kernel/mm/transparent_hugepage/defrag";
    const defrag = existsSync(file) ? (/\[([^\]]+)\]/.exec(readFileSync(file, "utf8"))?.[1] ?? null) : null;
    expect(r.defrag).toBe(defrag);
  });

  it("says when a fault may wait for the kernel to compact memory", () => {
    const base = { kernel: "madvise", topPad: TOP_PAD, tunables: null, inUse: true };
    const asked = describeHugePages({ ...base, defrag: "madvise", requested: true });
    expect(asked).toContain("kernel madvise (defrag madvise: a fault may wait for compaction)");
    // Not asked, a madvise kernel neither gives huge pages nor compacts for them.
    expect(describeHugePages({ ...base, defrag: "madvise", requested: false })).toContain("(defrag madvise);");
    expect(describeHugePages({ ...base, defrag: "always", requested: false })).toContain("may wait for compaction");
    expect(describeHugePages({ ...base, defrag: "defer", requested: true })).toContain("(defrag defer);");
    expect(describeHugePages({ ...base, defrag: null, requested: true })).toContain("kernel madvise; malloc asks");
  });

  it("appends to a user's own tunables instead of replacing them", () => {
    const r = doctor({ GLIBC_TUNABLES: "glibc.malloc.arena_max=2" });
    expect(r.tunables).toBe(`glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1:${PAD}`);
    expect(r.requested).toBe(true);
  });

  it("leaves an explicit choice alone", () => {
    const r = doctor({ GLIBC_TUNABLES: "glibc.malloc.hugetlb=0" });
    expect(r.tunables).toBe(`glibc.malloc.hugetlb=0:${PAD}`);
    expect(r.requested).toBe(false);
    const p = doctor({ GLIBC_TUNABLES: "glibc.malloc.top_pad=0" });
    expect(p.tunables).toBe("glibc.malloc.top_pad=0:glibc.malloc.hugetlb=1");
    expect(p.topPad).toBe(0);
  });

  it("is a plain program for node, without the setting", () => {
    const r = doctor({ GLIBC_TUNABLES: undefined }, true);
    expect(r.requested).toBe(false);
    expect(r.topPad).toBeNull();
    expect(r.tunables).toBeNull();
    if (r.kernel === "madvise") expect(r.inUse).toBe(false);
  });
});

describe("the benchmark's tunables", () => {
  it("are the command's: both added to a user's own, an explicit choice of either kept", () => {
    expect(TOP_PAD).toBe(67108864);
    expect(withTilecastTunables(undefined)).toBe(`glibc.malloc.hugetlb=1:${PAD}`);
    expect(withTilecastTunables("glibc.malloc.arena_max=2")).toBe(
      `glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1:${PAD}`,
    );
    expect(withTilecastTunables("glibc.malloc.hugetlb=0")).toBe(`glibc.malloc.hugetlb=0:${PAD}`);
    expect(withTilecastTunables("glibc.malloc.top_pad=0")).toBe("glibc.malloc.top_pad=0:glibc.malloc.hugetlb=1");
    expect(withTilecastTunables(`glibc.malloc.hugetlb=2:${PAD}`)).toBe(`glibc.malloc.hugetlb=2:${PAD}`);
  });
});
