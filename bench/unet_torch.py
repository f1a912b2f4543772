"""The tilecast U-Net in PyTorch (same layers, same parameter count), timed the way
bench/models.ts times tilecast: inference tiles/s and training tiles/s (Adam, BCE) on
8 x 128 x 128 x 4 tiles, channels_last, 2 threads. Prints one JSON line."""
import json
import os
import sys

import torch
from timing import DEVICE, rate
from torch import nn

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)


def block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class UNet(nn.Module):
    def __init__(self, cin=4, depth=3, filters=16, classes=1):
        super().__init__()
        self.enc = nn.ModuleList()
        c = cin
        for i in range(depth):
            self.enc.append(block(c, filters * 2 ** i))
            c = filters * 2 ** i
        self.mid = block(c, filters * 2 ** depth)
        c = filters * 2 ** depth
        self.up = nn.ModuleList()
        self.dec = nn.ModuleList()
        for i in reversed(range(depth)):
            f = filters * 2 ** i
            self.up.append(nn.ConvTranspose2d(c, f, 2, stride=2))
            self.dec.append(block(2 * f, f))
            c = f
        self.head = nn.Conv2d(c, classes, 1)

    def forward(self, x):
        skips = []
        for e in self.enc:
            x = e(x)
            skips.append(x)
            x = nn.functional.max_pool2d(x, 2)
        x = self.mid(x)
        for up, dec in zip(self.up, self.dec):
            x = dec(torch.cat([skips.pop(), up(x)], 1))
        return torch.sigmoid(self.head(x))



batch = int(os.environ.get("BENCH_BATCH", "8"))
model = UNet().to(DEVICE, memory_format=torch.channels_last)
x = torch.randn(batch, 4, 128, 128).to(DEVICE, memory_format=torch.channels_last)
y = (torch.rand(batch, 1, 128, 128) > 0.5).float().to(DEVICE, memory_format=torch.channels_last)
params = sum(p.numel() for p in model.parameters()) + sum(b.numel() for n, b in model.named_buffers() if "running" in n)

only = os.environ.get("BENCH_ONLY")  # "infer" or "train": time just that
infer = 0.0
if only != "train":
    model.eval()
    with torch.no_grad():
        infer = rate(lambda: model(x), batch, int(os.environ.get("BENCH_INFER_REPS", "10")))

model.train()
opt = torch.optim.Adam(model.parameters(), 1e-3)
loss_fn = nn.BCELoss()


def step():
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()


train = rate(step, batch, 5) if only != "infer" else 0.0
print(json.dumps({"tool": f"pytorch {torch.__version__}", "device": DEVICE, "batch": batch, "threads": torch.get_num_threads(), "params": params,
                  "inferenceTilesPerSec": infer, "trainTilesPerSec": train}))
