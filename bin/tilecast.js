#!/bin/sh
":" //; case ":$GLIBC_TUNABLES:" in *:glibc.malloc.hugetlb=*) ;; *) GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1"; export GLIBC_TUNABLES ;; esac; exec node "$0" "$@"
// The tilecast command. `npm install` builds dist/ (the `prepare` script).
//
// The two lines above are for sh: they start Node with glibc's malloc asking for transparent
// huge pages (glibc 2.35+; ignored elsewhere) unless GLIBC_TUNABLES already sets that. Where the
// kernel gives huge pages only on request (`madvise`, the usual default), each new window, block
// and chunk otherwise costs a page fault per 4 KiB: the 16384² GeoTIFF read took 8.6 s that way
// and 4.3 s with huge pages. For Node the second line is a string and a comment, so
// `node bin/tilecast.js` runs the same program without the setting.
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv);
