#!/usr/bin/env python3
"""Writes the fuzz seed corpus: fuzz/seeds/<target>/<name>.

    python3 -m venv /tmp/v && /tmp/v/bin/pip install numpy soundfile
    /tmp/v/bin/python fuzz/seeds/make_seeds.py

`decode`: tiny files of every container/codec the decoder supports (WAV PCM u8/16/24/32,
float, A-law, mu-law, IMA and MS ADPCM, WAVE_FORMAT_EXTENSIBLE, FLAC, MP3, Ogg/Vorbis) plus
truncated and empty ones, cut from a test clip (LibriSpeech speech, CC BY 4.0; see
tests/fixtures/fgbg/README.md).

`analyzer` and `spectrogram_stream`: their structured inputs, encoded the way `arbitrary`
1.x reads them (little-endian integers; an enum is a u32 `x` choosing variant
`(x * count) >> 32`; a Vec is a 1 byte before each element and a 0 byte after the last;
a bool is a byte's low bit), followed by the raw sample bytes (`take_rest`). The variant
lists below must match fuzz_targets/common.rs and the targets' `Input` structs; check a seed
with `BYSTANDER_FUZZ_DEBUG=1 fuzz/target/x86_64-unknown-linux-gnu/release/<target> <seed>`.
"""

import io
import os
import struct
import sys

import numpy as np
import soundfile as sf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "fuzz", "seeds")
CLIP = os.path.join(ROOT, "tests", "fixtures", "fgbg", "one_second.wav")


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- arbitrary encoding
def tag(index, count):
    assert 0 <= index < count
    return struct.pack("<I", (index * 2**32 + 2**31) // count)


def u8(x):
    return struct.pack("<B", x)


def u16(x):
    return struct.pack("<H", x)


def u32(x):
    return struct.pack("<I", x)


def f64(x):
    return struct.pack("<d", x)


def boolean(b):
    return b"\x01" if b else b"\x00"


def vec(items):
    return b"".join(b"\x01" + i for i in items) + b"\x00"


RATES = ["Zero", "Negative", "NaN", "Inf", "NegInf", "One", "R999", "R1000", "R7999",
         "R8000", "R11025", "R16000", "R22050", "R44100", "R48000", "R96000", "R192000",
         "R192001", "R384000", "R768000", "R768001", "Whole", "Fraction", "Any"]


def rate(name, *payload):
    return tag(RATES.index(name), len(RATES)) + b"".join(payload)


def known(i):
    return tag(0, 2) + u8(i)


NUMS = ["Any", "NaN", "Inf", "NegInf", "Zero", "NegZero", "One", "Unit", "Whole", "Pow2",
        "Negative", "Frac"]


def num(name, *payload):
    return tag(NUMS.index(name), len(NUMS)) + b"".join(payload)


def v_null():
    return tag(0, 5)


def v_bool(b):
    return tag(1, 5) + boolean(b)


def v_num(n):
    return tag(2, 5) + n


def v_any(x):
    return v_num(num("Any", f64(x)))


def v_word(w):
    return tag(3, 5) + u8(WORDS.index(w))


WORDS = ["librosa", "kaldi", "torchaudio", "hann", "hanning", "hamming", "blackman", "povey",
         "rectangular", "constant", "zeros", "reflect", "linear", "stft", "mel", "mfcc",
         "slaney", "htk", "double", "single", "", "Hann", "none"]

LENS = ["Zero", "One", "Quantum", "Small", "Medium", "Large"]


def length(name, *payload):
    return tag(LENS.index(name), len(LENS)) + b"".join(payload)


ENCODINGS = ["F32", "I16", "U8"]


def encoding(name):
    return tag(ENCODINGS.index(name), len(ENCODINGS))


# VAD_OPTIONS then LABELLER_OPTIONS (src/options.rs).
ANALYZER_OPTIONS = ["threshold", "offThreshold", "minSpeechMs", "minSilenceMs", "padBeforeMs",
                    "padAfterMs", "backgroundThreshold", "switchPenalty", "minLabelMs",
                    "overlapThreshold", "silenceThreshold"]

SPECTROGRAM_OPTIONS = ["preset", "nFft", "hopLength", "winLength", "window", "center",
                       "padMode", "power", "output", "nMels", "fMin", "fMax", "htk",
                       "melScale", "norm", "nMfcc", "db", "log", "amin", "ref", "topDb",
                       "preemphasis", "removeDc", "sampleScale"]


def opts(names, pairs):
    return vec([known(names.index(k)) + v for k, v in pairs])


def analyzer_input(rate_bytes, options, blocks, enc, keep_all, samples):
    # Block = { len: Len, report_after: bool }
    return (rate_bytes + opts(ANALYZER_OPTIONS, options)
            + vec([l + boolean(r) for l, r in blocks]) + encoding(enc) + boolean(keep_all)
            + samples)


def spectrogram_input(rate_bytes, options, blocks, enc, samples):
    return (rate_bytes + opts(SPECTROGRAM_OPTIONS, options) + vec(blocks) + encoding(enc)
            + samples)


# ---------------------------------------------------------------- audio
clip, clip_rate = sf.read(CLIP, dtype="float32")
assert clip_rate == 16000
# The loudest 0.4 s of the clip, then 0.3 s of silence: cycled by the targets, a stream of
# speech bursts with pauses.
energy = np.convolve(clip**2, np.ones(6400), mode="valid")
at = int(np.argmax(energy))
speech = clip[at:at + 6400]
burst = np.concatenate([speech, np.zeros(4800, np.float32)])


def i16(x):
    return (np.clip(x, -1, 32767 / 32768) * 32768).astype("<i2").tobytes()


def f32(x):
    return np.asarray(x, "<f4").tobytes()


def encoded(data, rate_hz, fmt, subtype, channels=1):
    if channels > 1:
        data = np.stack([data] + [data * 0.5] * (channels - 1), axis=1)
    b = io.BytesIO()
    sf.write(b, data, rate_hz, format=fmt, subtype=subtype)
    return b.getvalue()


def decode_seeds():
    short = speech[:800]  # 50 ms at 16 kHz
    seeds = {
        "pcm16.wav": encoded(short, 16000, "WAV", "PCM_16"),
        "pcm24_stereo_44k.wav": encoded(short[:400], 44100, "WAV", "PCM_24", 2),
        "pcm32.wav": encoded(short[:300], 8000, "WAV", "PCM_32"),
        "u8.wav": encoded(short[:300], 11025, "WAV", "PCM_U8"),
        "float.wav": encoded(short[:300], 48000, "WAV", "FLOAT"),
        "alaw.wav": encoded(short[:300], 8000, "WAV", "ALAW"),
        "ulaw.wav": encoded(short[:300], 8000, "WAV", "ULAW"),
        "ima_adpcm.wav": encoded(short, 16000, "WAV", "IMA_ADPCM"),
        "ms_adpcm.wav": encoded(short, 16000, "WAV", "MS_ADPCM"),
        "extensible_3ch.wav": encoded(short[:200], 16000, "WAVEX", "PCM_16", 3),
        "pcm16.flac": encoded(short, 16000, "FLAC", "PCM_16"),
        "pcm24_stereo.flac": encoded(short[:400], 48000, "FLAC", "PCM_24", 2),
        "mono.mp3": encoded(speech[:2400], 16000, "MP3", "MPEG_LAYER_III"),
        "mono.ogg": encoded(speech[:1600], 16000, "OGG", "VORBIS"),
    }
    for name, data in seeds.items():
        write("decode", name, data)
    wav = seeds["pcm16.wav"]
    write("decode", "truncated_header.wav", wav[:40])
    write("decode", "truncated_data.wav", wav[:301])
    write("decode", "truncated.flac", seeds["pcm16.flac"][:200])
    write("decode", "truncated.mp3", seeds["mono.mp3"][:700])
    write("decode", "empty", b"")
    # A WAV header claiming a huge data chunk and an absurd rate, followed by 4 samples.
    hdr = (b"RIFF" + u32(0xFFFFFFFF) + b"WAVEfmt " + u32(16) + u16(1) + u16(2) + u32(1)
           + u32(4) + u16(4) + u16(16) + b"data" + u32(0xFFFFFFF0) + b"\x00\x10" * 8)
    write("decode", "huge_claims.wav", hdr)


def analyzer_seeds():
    s16 = i16(burst)
    write("analyzer", "speech_16k_blocks", analyzer_input(
        rate("R16000"), [],
        [(length("Large", u32(48000)), True), (length("Quantum"), False),
         (length("Medium", u16(1000)), False), (length("Large", u32(80000)), True),
         (length("Zero"), False), (length("One"), False)],
        "I16", False, s16))
    write("analyzer", "speech_one_block", analyzer_input(
        rate("R16000"), [], [], "I16", False, s16))
    write("analyzer", "speech_8k_options", analyzer_input(
        rate("R8000"),
        [("threshold", v_any(0.5)), ("offThreshold", v_any(0.3)),
         ("minSpeechMs", v_num(num("Whole", u16(50)))), ("minSilenceMs", v_any(100)),
         ("padBeforeMs", v_any(20)), ("padAfterMs", v_any(30)),
         ("minLabelMs", v_any(50))],
        [(length("Large", u32(40000)), True), (length("Small", u8(200)), False)],
        "I16", True, i16(burst[::2])))
    write("analyzer", "speech_44k_f32_quanta", analyzer_input(
        rate("R44100"),
        [("backgroundThreshold", v_num(num("Unit", u16(30000)))),
         ("switchPenalty", v_any(3)), ("overlapThreshold", v_any(0.4)),
         ("silenceThreshold", v_any(0.7)), ("threshold", v_null())],
        [(length("Quantum"), False)] * 40 + [(length("Large", u32(100000)), True)],
        "F32", False, f32(np.interp(np.arange(0, 1600, 16000 / 44100),
                                    np.arange(1600), speech[:1600]))))
    write("analyzer", "odd_rate_u8", analyzer_input(
        rate("Whole", u32(1)), [],
        [(length("Medium", u16(3000)), False), (length("Large", u32(20000)), True)],
        "U8", False, bytes(range(256))))
    nasty = np.array([np.nan, np.inf, -np.inf, 1e-45, -1e-40, 3e38, -3e38, 1.0, -1.0, 0.0],
                     np.float32)
    write("analyzer", "nonfinite_f32", analyzer_input(
        rate("R48000"), [],
        [(length("Small", u8(7)), False), (length("Large", u32(30000)), True)],
        "F32", False, f32(nasty)))
    write("analyzer", "bad_rate_bad_options", analyzer_input(
        rate("Any", f64(float("nan"))),
        [("threshold", v_num(num("NaN"))), ("minSilenceMs", v_num(num("Negative", u16(5)))),
         ("offThreshold", v_bool(True)), ("minLabelMs", v_word("mel"))],
        [(length("One"), True)], "F32", False, b""))
    write("analyzer", "bad_option_valid_rate", analyzer_input(
        rate("R22050"), [("switchPenalty", v_num(num("Inf")))],
        [(length("Large", u32(22050)), True)], "I16", False, i16(speech[:2000])))


def spectrogram_seeds():
    s16 = i16(speech[:3200])
    block_mix = [length("Quantum"), length("Small", u8(77)), length("Zero"),
                 length("Medium", u16(2500)), length("One"), length("Large", u32(9000))]
    write("spectrogram_stream", "librosa_default", spectrogram_input(
        rate("R16000"), [], block_mix, "I16", s16))
    write("spectrogram_stream", "kaldi", spectrogram_input(
        rate("R16000"), [("preset", v_word("kaldi"))], block_mix, "I16", s16))
    write("spectrogram_stream", "torchaudio_44k", spectrogram_input(
        rate("R44100"), [("preset", v_word("torchaudio")), ("nMels", v_any(40))],
        [length("Quantum")] * 10, "I16", s16))
    write("spectrogram_stream", "mfcc_db", spectrogram_input(
        rate("R22050"),
        [("output", v_word("mfcc")), ("db", v_bool(True)), ("nMfcc", v_any(13)),
         ("topDb", v_null()), ("amin", v_any(1e-8)), ("ref", v_any(2.0))],
        [length("Medium", u16(3000))], "I16", s16))
    write("spectrogram_stream", "linear_reflect_hamming", spectrogram_input(
        rate("R8000"),
        [("output", v_word("linear")), ("center", v_bool(False)), ("padMode", v_word("reflect")),
         ("window", v_word("hamming")), ("nFft", v_num(num("Pow2", u8(10), boolean(False)))),
         ("winLength", v_any(800)), ("hopLength", v_num(num("Whole", u16(256)))),
         ("power", v_any(1.0))],
        block_mix, "F32", f32(speech[:1500])))
    write("spectrogram_stream", "mel_htk_log", spectrogram_input(
        rate("R48000"),
        [("htk", v_bool(True)), ("norm", v_null()), ("fMin", v_any(100.0)),
         ("fMax", v_any(4000.0)), ("log", v_bool(True)), ("nMels", v_any(128)),
         ("window", v_word("blackman")), ("center", v_bool(True)), ("padMode", v_word("reflect"))],
        [length("Small", u8(200))] * 8, "I16", s16))
    write("spectrogram_stream", "huge_nfft_hop1", spectrogram_input(
        rate("R16000"),
        [("nFft", v_any(65536)), ("hopLength", v_num(num("One"))), ("output", v_word("linear")),
         ("db", v_bool(True)), ("topDb", v_any(60.0))],
        [length("Large", u32(70000))], "U8", bytes(range(0, 256, 3))))
    write("spectrogram_stream", "kaldi_scaled_preemphasis", spectrogram_input(
        rate("R11025"),
        [("preemphasis", v_any(0.97)), ("removeDc", v_bool(True)),
         ("sampleScale", v_any(32768.0)), ("window", v_word("povey")),
         ("melScale", v_word("kaldi")), ("norm", v_word("slaney"))],
        block_mix, "F32", f32(np.array([np.nan, 1e30, -1e-40, 0.5, -0.5], np.float32))))
    write("spectrogram_stream", "bad_options", spectrogram_input(
        rate("R16000"),
        [("nFft", v_any(3.5)), ("window", v_word("Hann")), ("db", v_bool(True)),
         ("log", v_bool(True))], [], "I16", b""))


if __name__ == "__main__":
    decode_seeds()
    analyzer_seeds()
    spectrogram_seeds()
    total = 0
    for target in sorted(os.listdir(OUT)):
        d = os.path.join(OUT, target)
        if os.path.isdir(d):
            size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
            total += size
            print(f"{target}: {len(os.listdir(d))} files, {size} bytes", file=sys.stderr)
    print(f"total {total} bytes", file=sys.stderr)
