/**
 * A pipeline whose every cycle runs at once: the identity model over a fixture scene, its
 * product `out/{cycle:%Y%m%dT%H%M%S}.tif`, in a fresh folder with a `state` folder beside it.
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tmp } from "./write.js";

export function identityCyclePipeline(name: string): { dir: string; file: string; state: string } {
  const dir = dirname(tmp("x"));
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
input:
  path: ${process.cwd()}/fixtures/demo/scene.s2like.u16.4b.tif
tiling: { size: 256, overlap: 0 }
model: { type: identity }
output:
  path: out/{cycle:%Y%m%dT%H%M%S}.tif
  dtype: uint16
`,
  );
  return { dir, file, state: join(dir, "state") };
}
