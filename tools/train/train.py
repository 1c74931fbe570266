"""Trains the temporal model (common.Model) on target/train/train.npz with early stopping on
tune; writes target/train/model.pt. Reproducible from --seed (one torch thread)."""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import CACHE, Model, figures

WINDOW = 400  # frames (4 s, the shortest clip): even, so that 20 ms steps line up


def load(split):
    d = np.load(os.path.join(CACHE, split + ".npz"))
    return d["x"], d["y"], d["starts"], d["nonspeech"]


def loss_of(logits, y, bg_weight=None):
    """BCE of the three heads: speech on every frame, background given speech on the frames
    labelled speech (times `bg_weight` per window when given), overlap (foreground and
    background) on every frame."""
    y = y.float()
    speech, fg, bg = y[..., 0], y[..., 1], y[..., 2]
    l_s = F.binary_cross_entropy_with_logits(logits[..., 0], speech)
    w = speech if bg_weight is None else speech * bg_weight[:, None]
    l_b = (F.binary_cross_entropy_with_logits(logits[..., 1], bg, reduction="none") * w).sum() \
        / w.sum().clamp(min=1)
    l_o = F.binary_cross_entropy_with_logits(logits[..., 2], fg * bg)
    return l_s + l_b + l_o


def clip_weights(scenarios, items, what):
    """Per-clip weights from `SCENARIO=W` items (1 for the scenarios not named)."""
    w = np.ones(len(scenarios))
    for item in items:
        name, value = item.split("=")
        if not np.any(scenarios == name):
            raise SystemExit(f"no training clip of scenario {name!r}")
        w[scenarios == name] = float(value)
        print(f"scenario {name}: {np.sum(scenarios == name)} clips, {what} x{value}", flush=True)
    return w


def predict(model, x, starts):
    """Whole clips, one at a time (as the streaming forward would run), -> sigmoid (frames, 3)."""
    out = np.empty((len(x), 3), np.float32)
    with torch.no_grad():
        for a, b in zip(starts[:-1], starts[1:]):
            n = b - a
            xi = torch.from_numpy(x[a:b].astype(np.float32))
            if n % 2:
                xi = torch.cat([xi, xi.new_zeros(1, xi.shape[1])])
            out[a:b] = torch.sigmoid(model(xi[None]))[0, :n].numpy()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(CACHE, "model.pt"))
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--patience", type=int, default=4)
    ap.add_argument("--max-minutes", type=float, default=14.0)
    ap.add_argument("--train-share", type=float, default=1.0,
                    help="share of the training frames sampled per epoch")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight", action="append", default=[], metavar="SCENARIO=W",
                    help="draw windows from this scenario's clips W times as often (repeatable)")
    ap.add_argument("--bg-weight", action="append", default=[], metavar="SCENARIO=W",
                    help="weigh the background head's loss on this scenario's windows W times "
                         "(repeatable; the windows are drawn as usual)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    x, y, starts, _ = load("train")
    tx, ty, tstarts, tns = load("tune")
    lengths = np.diff(starts).astype(np.float64)
    # Windows drawn in proportion to clip length, times the scenario's weight.
    scen = np.load(os.path.join(CACHE, "train.npz"))["scenario"]
    draw = lengths * clip_weights(scen, args.weight, "windows drawn")
    clip_bg_weight = clip_weights(scen, args.bg_weight, "background loss").astype(np.float32)
    model = Model()
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model: {n_params} parameters, {model.multiply_adds_per_frame():.0f} multiply-adds per "
          f"10 ms frame, look-ahead {model.lookahead_ms()} ms", flush=True)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    windows = int(args.train_share * starts[-1] / WINDOW)
    best, bad, t0 = None, 0, time.time()
    path = args.out
    for epoch in range(args.epochs):
        model.train()
        clip = rng.choice(len(lengths), size=windows, p=draw / draw.sum())
        offset = starts[clip] + (rng.random(windows) * (lengths[clip] - WINDOW + 1)).astype(int)
        total = 0.0
        for i in range(0, windows - args.batch + 1, args.batch):
            idx = offset[i:i + args.batch, None] + np.arange(WINDOW)
            xb = torch.from_numpy(x[idx].astype(np.float32))
            yb = torch.from_numpy(y[idx])
            wb = torch.from_numpy(clip_bg_weight[clip[i:i + args.batch]]) if args.bg_weight else None
            loss = loss_of(model(xb), yb, wb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        model.eval()
        p = predict(model, tx, tstarts)
        with torch.no_grad():
            tune_loss = loss_of(torch.logit(torch.from_numpy(p).clamp(1e-6, 1 - 1e-6)),
                                torch.from_numpy(ty)).item()
        f = figures(p, ty, np.repeat(tns, np.diff(tstarts)))
        print(f"epoch {epoch + 1}: train loss {total / max(1, windows // args.batch):.4f}, tune "
              f"loss {tune_loss:.4f}, speech F1 {f['speech_f1']:.3f}, bg recall "
              f"{f['background_recall']:.3f} precision {f['background_precision']:.3f}, "
              f"{(time.time() - t0) / 60:.1f} min", flush=True)
        if best is None or tune_loss < best:
            best = tune_loss
            torch.save(model.state_dict(), path)
        else:
            # Back to the best weights at half the step size; the `patience`-th epoch without
            # improvement stops.
            bad += 1
            if bad >= args.patience:
                print("early stop", flush=True)
                break
            model.load_state_dict(torch.load(path))
            for group in opt.param_groups:
                group["lr"] /= 2
            print(f"learning rate {opt.param_groups[0]['lr']:.2e}", flush=True)
        if (time.time() - t0) / 60 > args.max_minutes:
            print("time limit", flush=True)
            break
    print(f"best tune loss {best:.4f}; saved {path}")


if __name__ == "__main__":
    main()
