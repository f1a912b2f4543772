"""The tilecast periodic global CNN in PyTorch (same layers, same parameter count: a 3x3 stem,
4 residual blocks of two 3x3 convolutions with 32 filters, a 1x1 head, the input added back;
75,300 parameters), timed the way bench/globalcnn-speed.ts times tilecast: steps/s at inference
and in training (Adam, MSE) on one 721 x 1440 x 4 state, channels_last, 2 threads. Each 3x3
convolution pads circularly along longitude and with zeros along latitude, as tilecast's
PeriodicPadding2D does. Run it with glibc's malloc asking for huge pages, as the harness does:
without them each fresh 133 MB activation costs this VM seconds of page faults. Prints one JSON line."""
import json
import os
import sys

import torch
from timing import DEVICE, speeds
from torch import nn
from torch.nn import functional as F

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)


class PeriodicConv(nn.Conv2d):
    """Wraps one column from each side, then zero-pads latitude inside the convolution: 3x
    faster here than F.pad(mode="circular"), which leaves channels_last."""

    def __init__(self, cin, cout):
        super().__init__(cin, cout, 3, padding=(1, 0))

    def forward(self, x):
        return super().forward(torch.cat([x[..., -1:], x, x[..., :1]], -1))


class GlobalCnn(nn.Module):
    def __init__(self, channels=4, filters=32, blocks=4):
        super().__init__()
        self.stem = PeriodicConv(channels, filters)
        self.blocks = nn.ModuleList(
            nn.ModuleList([PeriodicConv(filters, filters), PeriodicConv(filters, filters)]) for _ in range(blocks)
        )
        self.head = nn.Conv2d(filters, channels, 1)

    def forward(self, state):
        x = self.stem(state)
        for a, b in self.blocks:
            x = F.relu(b(F.relu(a(x))) + x)
        return state + self.head(x)


model = GlobalCnn().to(DEVICE, memory_format=torch.channels_last)
x = torch.randn(1, 4, 721, 1440).to(DEVICE, memory_format=torch.channels_last)
y = torch.randn(1, 4, 721, 1440).to(DEVICE, memory_format=torch.channels_last)
params = sum(p.numel() for p in model.parameters())
infer, train = speeds(model, x, lambda out: F.mse_loss(out, y), 1, int(os.environ.get("BENCH_INFER_REPS", "3")),
                      int(os.environ.get("BENCH_TRAIN_STEPS", "2")))
print(json.dumps({"tool": f"pytorch {torch.__version__}", "device": DEVICE, "threads": torch.get_num_threads(), "params": params,
                  "inferenceStepsPerSec": infer, "trainStepsPerSec": train}))
