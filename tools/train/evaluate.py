"""Frame-level figures of target/train/model.pt on the tune and test splits, separately."""
import argparse
import os

import numpy as np
import torch

from common import CACHE, Model
from common import figures
from train import load, predict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(CACHE, "model.pt"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = Model()
    model.load_state_dict(torch.load(args.model))
    model.eval()
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model: {n_params} parameters, {model.multiply_adds_per_frame():.0f} multiply-adds per "
          f"10 ms frame, look-ahead {model.lookahead_ms()} ms")
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
