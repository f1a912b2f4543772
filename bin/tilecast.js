#!/bin/sh
":" //; case ":$GLIBC_TUNABLES:" in *:glibc.malloc.hugetlb=*) ;; *) GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1" ;; esac; case ":$GLIBC_TUNABLES:" in *:glibc.malloc.top_pad=*) ;; *) GLIBC_TUNABLES="$GLIBC_TUNABLES:glibc.malloc.top_pad=67108864" ;; esac; export GLIBC_TUNABLES; exec node "$0" "$@"
// The tilecast command. `npm install` builds dist/ (the `prepare` script).
//
// The two lines above are for sh: they start Node with two settings of glibc's malloc (glibc
// 2.35+; ignored elsewhere), each unless GLIBC_TUNABLES already sets it (src/util/huge-pages.ts):
// - asking for transparent huge pages. Where the kernel gives them only on request (`madvise`,
//   the usual default), each new window, block and chunk otherwise costs a page fault per 4 KiB:
//   the 16384² GeoTIFF read took 8.6 s that way and 4.3 s with huge pages;
// - keeping 64 MiB of freed heap (`top_pad`) instead of handing it back to the kernel. Node frees
//   large buffers in batches, at garbage collection; without the pad, each batch's memory was
//   handed back and the next batch's faulted in fresh, zeroed pages.
// For Node the second line is a string and a comment, so `node bin/tilecast.js` runs the same
// program without the settings.
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv);
