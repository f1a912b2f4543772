/** The summary of a pipeline run: what `runPipeline` resolves to and `tilecast run` prints. */

/** What a run did. */
export interface RunSummary {
  runId: string;
  pipeline: string;
  output: string;
  width: number;
  height: number;
  tilesTotal: number;
  /** Tile reads, including revisits. */
  tilesRead: number;
  /** Edge tiles of a stripe read and predicted a second time to finish a blended seam. */
  tilesRevisited: number;
  /** Tiles whose core was all nodata: no model ran on them. */
  tilesSkipped: number;
  /** Tiles predicted and stitched. */
  tilesWritten: number;
  blocksWritten: number;
  seconds: number;
  /** Peak resident memory of the process so far, MB. */
  peakRssMB: number;
  backend: string;
  /** What ran the model: onnx (ONNX Runtime) or tfjs (the backend above). */
  runtime: "onnx" | "tfjs";
  /** ONNX Runtime's execution provider. */
  provider?: string;
  /** Why `runtime: auto` fell back to TF.js. */
  runtimeFallback?: string;
  /** TF.js on native TensorFlow ran the model as one TensorFlow graph. */
  graph?: true;
  statsFile: string | null;
  quicklook: string | null;
  /** The class raster (`output.classes`). */
  classes: string | null;
  /** Pixels cut from each side of every prediction before blending (`stitch.trim`). */
  trim: number;
  /** Why tiled inference may differ from whole-scene inference (the halo is smaller than the model sees). */
  warning?: string;
  /** What the output cannot keep (cells without data, in a format without masks and no nodata value). */
  outputWarning?: string;
  /** Which input bands lie mostly outside the range the model was trained on (training-range.ts). */
  inputWarning?: string;
  /** The parts: all of them, those done before this run, those this run did. */
  parts: { total: number; before: number; ran: number };
  /** Whether the output is committed (a shard leaves it to `tilecast finalize`). */
  committed: boolean;
  /** The output was complete before this run (`resume` of a finished run): nothing was done. */
  alreadyComplete?: boolean;
}
