// The bench's networks, shared by its timing scripts so that every row times the same ones: the
// U-Net (depth 3, 16 filters, 128 x 128 x 4 tiles), the ConvLSTM nowcaster ([16, 16], 4 -> 6
// frames at 64 x 64) and the periodic global CNN (4 blocks x 32 on a 721 x 1440 x 4 state).
export const BENCH_UNET = { inputShape: [128, 128, 4], depth: 3, filters: 16, seed: 1 };
export const BENCH_CONVLSTM = {
  inputFrames: 4,
  outputFrames: 6,
  filters: [16, 16],
  height: 64,
  width: 64,
  channels: 1,
  seed: 1,
};
export const BENCH_GLOBAL_CNN = { height: 721, width: 1440, channels: 4, blocks: 4, filters: 32, seed: 1 };
