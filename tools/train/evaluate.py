"""Frame-level figures of target/train/model.pt on the tune and test splits, separately;
with --int8, of the weights export.py stores (int8, one scale per row, dequantised)."""
import argparse
import os

import numpy as np
import torch

from common import CACHE, Model, int8_state
from common import figures
from train import load, predict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(CACHE, "model.pt"))
    ap.add_argument("--int8", action="store_true",
                    help="the weights as export.py stores them: int8 per row, dequantised")
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = Model()
    state = torch.load(args.model)
    model.load_state_dict(int8_state(state) if args.int8 else state)
    model.eval()
    n_params = sum(p.numel() for p in model.parameters())
    stored = " (int8)" if args.int8 else ""
    print(f"model{stored}: {n_params} parameters, {model.multiply_adds_per_frame():.0f} "
          f"multiply-adds per 10 ms frame, look-ahead {model.lookahead_ms()} ms")
    for split in ["tune", "test"]:
        x, y, starts, ns = load(split)
        f = figures(predict(model, x, starts), y, np.repeat(ns, np.diff(starts)))
        print(f"{split} ({len(starts) - 1} clips, {f['frames'] / 360000:.2f} h): "
              f"speech F1 {f['speech_f1']:.3f} (P {f['speech_precision']:.3f}, R "
              f"{f['speech_recall']:.3f}); non-speech clips' frames called speech "
              f"{100 * f['nonspeech_called_speech']:.2f} %; background among speech: recall "
              f"{f['background_recall']:.3f}, precision {f['background_precision']:.3f}; "
              f"foreground recall {f['foreground_recall']:.3f}")


if __name__ == "__main__":
    main()
