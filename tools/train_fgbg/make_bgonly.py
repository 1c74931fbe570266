"""Background-only review clips (nobody near the device, e.g. only a TV or people in the
next room): generated clips with their foreground talker removed.

make_mixtures.py writes, with --stems, each clip's reverberant foreground component as heard
at the microphone; subtracting it from the mixture leaves the background talkers, the noise
and the sensor floor exactly as they were (up to the mixture's 60 Hz high-pass, which the
stem does not have: what remains of the foreground is its content below 60 Hz, tens of dB
down). The RTTM keeps only the background lines; the JSON keeps only the background sources.
Clips that had no background become speech-free noise clips (empty RTTM).

  python make_bgonly.py --mix DIR --stems DIR --out DIR
"""
import argparse
import glob
import json
import os

import numpy as np
import soundfile as sf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mix", required=True)
    ap.add_argument("--stems", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for wav in sorted(glob.glob(os.path.join(a.mix, "*.wav"))):
        cid = os.path.basename(wav)[:-4]
        y, fs = sf.read(wav, dtype="float64")
        fg, _ = sf.read(os.path.join(a.stems, cid + ".foreground.wav"), dtype="float64")
        out = y - fg[: len(y)]
        sf.write(os.path.join(a.out, cid + ".wav"), out.astype(np.float32), fs, subtype="PCM_16")
        lines = [l for l in open(wav[:-4] + ".rttm") if l.split()[7:8] == ["background"]]
        open(os.path.join(a.out, cid + ".rttm"), "w").write("".join(lines))
        meta = json.load(open(wav[:-4] + ".json"))
        meta["sources"] = [s for s in meta["sources"] if s["role"] != "foreground"]
        meta["segments"]["foreground"] = []
        meta["scenario"] = "background_only/" + meta["scenario"]
        json.dump(meta, open(os.path.join(a.out, cid + ".json"), "w"), indent=1)


if __name__ == "__main__":
    main()
