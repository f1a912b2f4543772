"""Items per second, timed the way bench/rate.ts times tilecast: one warm-up call, then `reps`.
BENCH_DEVICE=cuda runs the reference scripts on the GPU (bench/onnx-providers.mjs's counterpart);
the clock then stops only once the device has finished."""
import os
import time

DEVICE = os.environ.get("BENCH_DEVICE", "cpu")


def sync():
    if DEVICE != "cpu":
        import torch

        torch.cuda.synchronize()


def rate(fn, batch, reps):
    fn()
    sync()
    t = time.perf_counter()
    for _ in range(reps):
        fn()
    sync()
    return batch * reps / (time.perf_counter() - t)


def speeds(model, x, loss, batch, infer_reps, train_steps):
    """Inference and training (Adam, `loss` of the output) items/s of `model` on `x`;
    BENCH_ONLY=infer or train times one of the two (the other is 0)."""
    import torch

    only = os.environ.get("BENCH_ONLY")
    infer = train = 0.0
    if only != "train":
        model.eval()
        with torch.no_grad():
            infer = rate(lambda: model(x), batch, infer_reps)
    if only != "infer":
        model.train()
        opt = torch.optim.Adam(model.parameters(), 1e-3)

        def step():
            opt.zero_grad()
            loss(model(x)).backward()
            opt.step()

        train = rate(step, batch, train_steps)
    return infer, train
