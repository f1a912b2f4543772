/** Types of bench/bench-models.mjs (see there). */
export declare const BENCH_UNET: { inputShape: [number, number, number]; depth: number; filters: number; seed: number };
export declare const BENCH_CONVLSTM: {
  inputFrames: number;
  outputFrames: number;
  filters: number[];
  height: number;
  width: number;
  channels: number;
  seed: number;
};
export declare const BENCH_GLOBAL_CNN: {
  height: number;
  width: number;
  channels: number;
  blocks: number;
  filters: number;
  seed: number;
};
