"""The tilecast ConvLSTM nowcaster in PyTorch (same layers, same parameter count: encoder
ConvLSTM [16, 16], the last state repeated for 6 frames, forecaster ConvLSTM [16, 16], a 1x1
head; 65,361 parameters), timed the way bench/convlstm-speed.ts times tilecast: sequences/s
at inference and in training (Adam, MSE) on 8 sequences of 4 -> 6 frames of 64 x 64 x 1, 2
threads. PyTorch has no ConvLSTM layer; this cell is the usual one (one convolution over
input and state, gates i, f, g, o; hard-sigmoid gates as Keras has). Prints one JSON line."""
import json
import os
import sys

import torch
from timing import speeds
from torch import nn

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)


def hard_sigmoid(x):  # Keras's: clip(0.2 x + 0.5, 0, 1)
    return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)


class ConvLSTM(nn.Module):
    def __init__(self, cin, filters, sequences):
        super().__init__()
        self.filters = filters
        self.sequences = sequences
        self.x = nn.Conv2d(cin, 4 * filters, 3, padding=1)
        self.h = nn.Conv2d(filters, 4 * filters, 3, padding=1, bias=False)

    def forward(self, frames):  # [B, T, C, H, W]
        b, t, _, hh, ww = frames.shape
        h = frames.new_zeros(b, self.filters, hh, ww)
        c = torch.zeros_like(h)
        out = []
        for k in range(t):
            i, f, g, o = torch.chunk(self.x(frames[:, k]) + self.h(h), 4, 1)
            c = hard_sigmoid(f) * c + hard_sigmoid(i) * torch.tanh(g)
            h = hard_sigmoid(o) * torch.tanh(c)
            out.append(h)
        return torch.stack(out, 1) if self.sequences else h


class Nowcaster(nn.Module):
    def __init__(self, frames_out=6, filters=(16, 16)):
        super().__init__()
        self.frames_out = frames_out
        enc, c = [], 1
        for i, f in enumerate(filters):
            enc.append(ConvLSTM(c, f, i < len(filters) - 1))
            c = f
        self.enc = nn.ModuleList(enc)
        self.fc = nn.ModuleList(ConvLSTM(c if i == 0 else f, f, True) for i, f in enumerate(reversed(filters)))
        self.head = nn.Conv2d(filters[0], 1, 1)

    def forward(self, x):
        for layer in self.enc:
            x = layer(x)
        x = x.unsqueeze(1).expand(-1, self.frames_out, -1, -1, -1)
        for layer in self.fc:
            x = layer(x)
        b, t, c, h, w = x.shape
        return self.head(x.reshape(b * t, c, h, w)).reshape(b, t, 1, h, w)



model = Nowcaster()
x = torch.randn(8, 4, 1, 64, 64)
y = torch.randn(8, 6, 1, 64, 64)
params = sum(p.numel() for p in model.parameters())
infer, train = speeds(model, x, lambda out: nn.functional.mse_loss(out, y), 8,
                      int(os.environ.get("BENCH_INFER_REPS", "5")), int(os.environ.get("BENCH_TRAIN_STEPS", "3")))
print(json.dumps({"tool": f"pytorch {torch.__version__}", "threads": torch.get_num_threads(), "params": params,
                  "inferenceSeqPerSec": infer, "trainSeqPerSec": train}))
