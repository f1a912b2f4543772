/**
 * Transparent huge pages: whether this process's large arrays get them. On Linux, a new
 * array's memory costs one page fault per 4 KiB page it touches; on the virtual machines
 * tilecast was measured on, filling a new 32 MiB array took 130 ms in 4 KiB pages and 7.5 ms in
 * 2 MiB ones. Readers make new windows, blocks and chunks all the time, so this bounds
 * them. glibc's malloc asks the kernel for huge pages when `GLIBC_TUNABLES` holds
 * `glibc.malloc.hugetlb=1` (glibc 2.35+); the kernel grants them when
 * `/sys/kernel/mm/transparent_hugepage/enabled` is `always`, or `madvise` and asked. The
 * `tilecast` command sets the tunable for itself (`bin/tilecast.js`); `tilecast doctor`
 * reports the outcome.
 */
import { readFile } from "node:fs/promises";

/** What `hugePages()` finds. */
export interface HugePageReport {
  /** The kernel's mode: `always`, `madvise` or `never`; null where there is no such file. */
  kernel: string | null;
  /** Does GLIBC_TUNABLES ask malloc for huge pages? */
  requested: boolean;
  /** GLIBC_TUNABLES as this process got it; null when unset. */
  tunables: string | null;
  /** Did a 32 MiB test array land in huge pages? null where /proc cannot say. */
  inUse: boolean | null;
}

const readText = (path: string) => readFile(path, "utf8").catch(() => null);

/** Anonymous memory this process has in huge pages, in KiB; null where /proc cannot say. */
async function anonHugeKiB(): Promise<number | null> {
  const m = /^AnonHugePages:\s+(\d+) kB/m.exec((await readText("/proc/self/smaps_rollup")) ?? "");
  return m ? Number(m[1]) : null;
}

/**
 * `GLIBC_TUNABLES` that ask malloc for huge pages: `current` with `glibc.malloc.hugetlb=1` added,
 * or `current` as it is when it already says anything about `hugetlb` (the rule bin/tilecast.js
 * applies in sh before Node starts).
 */
export function withHugePages(current: string | undefined): string {
  if (current?.includes("glibc.malloc.hugetlb=")) return current;
  return [current, "glibc.malloc.hugetlb=1"].filter(Boolean).join(":");
}

/** Report the kernel's mode, the malloc request, and whether a new 32 MiB array gets huge pages. */
export async function hugePages(): Promise<HugePageReport> {
  const mode = /\[(\w+)\]/.exec((await readText("/sys/kernel/mm/transparent_hugepage/enabled")) ?? "");
  const tunables = process.env.GLIBC_TUNABLES ?? null;
  const requested = /(^|:)glibc\.malloc\.hugetlb=[12](:|$)/.test(tunables ?? "");
  const before = await anonHugeKiB();
  const probe = new Float32Array(8 * 2 ** 20).fill(1); // touched, so the kernel places it
  const after = await anonHugeKiB();
  const inUse = before === null || after === null ? null : after - before >= 2048 && probe[0] === 1;
  return { kernel: mode ? (mode[1] as string) : null, requested, tunables, inUse };
}

/** One line for `tilecast doctor`. */
export function describeHugePages(r: HugePageReport): string {
  if (r.kernel === null) return "no transparent huge pages on this system";
  const how = r.requested
    ? "malloc asks for them (GLIBC_TUNABLES glibc.malloc.hugetlb)"
    : "malloc does not ask (set GLIBC_TUNABLES=glibc.malloc.hugetlb=1, as the tilecast command does)";
  const got = r.inUse === null ? "" : r.inUse ? ", in use" : ", not in use";
  return `kernel ${r.kernel}; ${how}${got}`;
}
