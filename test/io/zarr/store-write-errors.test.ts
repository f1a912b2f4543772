/**
 * A key of a new store that cannot be written is told under the store's name with the key: it
 * named the file inside the temporary directory (`.out.zarr.tilecast-tmp-PID-HEX/band_data/0.1.1`),
 * a path the user never gave and that is gone once the write fails.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeKey } from "../../../src/io/zarr/store-write.js";
import { tilecast } from "../../helpers/cli.js";
import { tmp } from "../../helpers/write.js";

describe("writing a store's keys", () => {
  it("a key that cannot be written names the store and the key", async () => {
    const root = dirname(tmp("x"));
    writeFileSync(join(root, "band_data"), "a file where the array's directory goes");
    const target = join(root, "out.zarr");
    await expect(writeKey(root, target, "band_data/0.0", new Uint8Array(4))).rejects.toThrow(
      new RegExp(`^${target}: band_data/0\\.0: `),
    );
  });

  // A full disk, on a 300 KiB tmpfs (where this machine lets tests mount one).
  const small = dirname(tmp("small/x"));
  mkdirSync(small, { recursive: true });
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=300k", "tmpfs", small]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync("umount", [small]);
  });

  it.skipIf(!mounted).each([[[]], [["--zarr-format", "3", "--shard-size", "512"]]])(
    "a full disk (convert %j): the store and the chunk named, nothing left",
    (flags) => {
      const out = join(small, "out.zarr");
      const r = tilecast(
        "convert",
        "-q",
        "--compressor",
        "none",
        ...flags,
        "fixtures/demo/scene.s2like.u16.4b.tif",
        out,
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^tilecast: ${out}: band_data/\\S+: cannot write the file \\(ENOSPC\\)\\n$`));
      expect(readdirSync(small)).toStrictEqual([]);
    },
  );
});
