/**
 * `{scene}` in a pipeline file and its `--set` values: the input scene's file name without its
 * extension, as `tilecast submit` queues a pipeline over many scenes and `tilecast run` runs it
 * on the one its `input.path` names. The name goes into values once the YAML is parsed (a token
 * stands in for it until then): written into the text, a name such as `field #3` lost what
 * follows ` #` as a YAML comment.
 *
 * @example
 * ```ts
 * import { loadScene } from "tilecast/pipeline";
 * const p = await loadScene("pipelines/scene-identity.yaml", "fixtures/demo/scene.s2like.u16.4b.tif", ["output.path=/tmp/{scene}.tif"]);
 * console.log(p.output?.path); // /tmp/scene.s2like.u16.4b.tif
 * ```
 */
import { randomUUID } from "node:crypto";
import { basename, extname } from "node:path";
import { loadPipeline, type Pipeline } from "./config.js";

/** A scene's name, as `{scene}` fills it in: its file name without the extension. */
export const sceneName = (scene: string): string => basename(scene, extname(scene));

/** The pipeline for one scene: `{scene}` filled in, `input.path` the scene. */
export function loadScene(pipeline: string, scene: string, sets: readonly string[]): Promise<Pipeline> {
  const name = sceneName(scene);
  const token = `tilecastscene${randomUUID().replaceAll("-", "")}`;
  return loadPipeline(
    pipeline,
    [...sets, `input.path=${scene}`],
    (t) => t.replaceAll("{scene}", token),
    (v) => v.replaceAll(token, name),
  );
}

/**
 * A pipeline file with `{scene}` filled in from its own `input.path` (`tilecast run`, a sharded
 * run's shards and `finalize`, which must agree on the output's name).
 */
export async function loadPipelineOwnScene(file: string, sets: readonly string[]): Promise<Pipeline> {
  const p = await loadPipeline(file, sets);
  return JSON.stringify(p).includes("{scene}") ? loadScene(file, p.input.path, sets) : p;
}
