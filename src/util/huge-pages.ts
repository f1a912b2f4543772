/**
 * Transparent huge pages: whether this process's large arrays get them. On Linux, a new
 * array's memory costs one page fault per 4 KiB page it touches; on the virtual machines
 * tilecast was first measured on, filling a new 32 MiB array took 130 ms in 4 KiB pages and 7.5
 * ms in 2 MiB ones. Readers make new windows, blocks and chunks all the time, so this bounded
 * them. On a later VM (Linux 6.18) the same fill took 11-14 ms in 4 KiB pages and 6-7 ms in huge
 * ones, or 72-82 ms when the kernel compacted memory first (`defrag` at `madvise`: 3 fills of
 * 12), and the scene-water job ran about 5 % faster without huge pages; `doctor` reports the
 * `defrag` mode for that reason. glibc's malloc asks the kernel for huge pages when `GLIBC_TUNABLES` holds
 * `glibc.malloc.hugetlb=1` (glibc 2.35+); the kernel grants them when
 * `/sys/kernel/mm/transparent_hugepage/enabled` is `always`, or `madvise` and asked.
 *
 * The same pages are then best kept once freed: Node frees large buffers in batches, at garbage
 * collection, and glibc hands a freed heap top larger than its trim threshold back to the
 * kernel, so each batch's memory came back as fresh pages to fault in and zero again.
 * `glibc.malloc.top_pad` keeps {@link TOP_PAD} of it. Measured on the benchmark's reads, with
 * huge pages either way, three rounds alternating: the ERA5 Blosc-LZ4 read 0.42-0.48 s against
 * 0.52-0.66, its zlib read 0.88-0.93 s against 1.09-1.22, the 4096² GeoTIFF read 0.38-0.41 s
 * against 0.54-0.68 and the 16384² one 2.24-2.37 s against 2.71-3.10, for 10-35 MB more peak
 * RSS; 32 MiB of pad gained about half as much. The segmentation job was unchanged (22.3-24.6 s
 * against 22.4-23.6, 823-825 MB against 821-840).
 *
 * The `tilecast` command sets both tunables for itself (`bin/tilecast.js`); `tilecast doctor`
 * reports the outcome.
 */
import { readFile } from "node:fs/promises";

/** What `hugePages()` finds. */
export interface HugePageReport {
  /** The kernel's mode: `always`, `madvise` or `never`; null where there is no such file. */
  kernel: string | null;
  /**
   * The kernel's `defrag` mode (`always`, `defer`, `defer+madvise`, `madvise`, `never`), null
   * where there is no such file. With `always`, or `madvise` and malloc asking, a fault waits
   * while the kernel compacts memory for a huge page.
   */
  defrag: string | null;
  /** Does GLIBC_TUNABLES ask malloc for huge pages? */
  requested: boolean;
  /** The freed heap malloc keeps (`glibc.malloc.top_pad`), in bytes; null when not set. */
  topPad: number | null;
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

/** The freed heap the `tilecast` command has malloc keep: 64 MiB. */
export const TOP_PAD = 64 * 2 ** 20;

/**
 * `GLIBC_TUNABLES` as the `tilecast` command sets them: `current` with `glibc.malloc.hugetlb=1`
 * and `glibc.malloc.top_pad` ({@link TOP_PAD}) added, each unless `current` already sets it (the
 * rule bin/tilecast.js applies in sh before Node starts).
 */
export function withTilecastTunables(current: string | undefined): string {
  const set = (name: string) => new RegExp(`(^|:)glibc\\.malloc\\.${name}=`).test(current ?? "");
  const added = [
    set("hugetlb") ? null : "glibc.malloc.hugetlb=1",
    set("top_pad") ? null : `glibc.malloc.top_pad=${TOP_PAD}`,
  ];
  return [current, ...added].filter(Boolean).join(":");
}

/** Report the kernel's mode, the malloc request, and whether a new 32 MiB array gets huge pages. */
export async function hugePages(): Promise<HugePageReport> {
  const mode = /\[(\w+)\]/.exec((await readText("/sys/kernel/mm/transparent_hugepage/enabled")) ?? "");
  const defrag = /\[([\w+]+)\]/.exec((await readText("/sys/kernel/mm/transparent_hugepage/defrag")) ?? "");
  const tunables = process.env.GLIBC_TUNABLES ?? null;
  const requested = /(^|:)glibc\.malloc\.hugetlb=[12](:|$)/.test(tunables ?? "");
  const pad = /(^|:)glibc\.malloc\.top_pad=(\d+)(:|$)/.exec(tunables ?? "");
  const before = await anonHugeKiB();
  const probe = new Float32Array(8 * 2 ** 20).fill(1); // touched, so the kernel places it
  const after = await anonHugeKiB();
  const inUse = before === null || after === null ? null : after - before >= 2048 && probe[0] === 1;
  const topPad = pad ? Number(pad[2]) : null;
  const kernel = mode ? (mode[1] as string) : null;
  return { kernel, defrag: defrag ? (defrag[1] as string) : null, requested, topPad, tunables, inUse };
}

/** One line for `tilecast doctor`: huge pages, and the freed heap malloc keeps. */
export function describeHugePages(r: HugePageReport): string {
  const pad =
    r.topPad === null
      ? "freed heap handed back (set glibc.malloc.top_pad, as the tilecast command does)"
      : `freed heap kept up to ${Math.round(r.topPad / 2 ** 20)} MiB`;
  if (r.kernel === null) return `no transparent huge pages on this system; ${pad}`;
  const how = r.requested
    ? "malloc asks for them (GLIBC_TUNABLES glibc.malloc.hugetlb)"
    : "malloc does not ask (set GLIBC_TUNABLES=glibc.malloc.hugetlb=1, as the tilecast command does)";
  const got = r.inUse === null ? "" : r.inUse ? ", in use" : ", not in use";
  const stalls = r.defrag === "always" || (r.defrag === "madvise" && r.requested);
  const defrag = r.defrag === null ? "" : ` (defrag ${r.defrag}${stalls ? ": a fault may wait for compaction" : ""})`;
  return `huge pages: kernel ${r.kernel}${defrag}; ${how}${got}; ${pad}`;
}
