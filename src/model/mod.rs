//! The temporal speech model: mel frames (as band levels in dB) -> two convolutions -> a
//! GRU -> per 10 ms frame, three logits: **speech** (anyone speaking), **background given
//! speech** and **overlap** (foreground and background at once).
//!
//! | layer | shape | step |
//! |---|---|---|
//! | inputs ([`inputs`]: bands re a level anchor) | 66 per frame | 10 ms |
//! | Conv1d, kernel 5 (frames t-2..t+2), stride 2, ReLU | 66 -> 64 | 20 ms |
//! | Conv1d, kernel 3 (steps j-1..j+1), ReLU | 64 -> 64 | 20 ms |
//! | GRU | 64 -> 48 | 20 ms |
//! | Linear, read `DELAY` steps later | 48 -> 2 frames x 3 logits | 20 ms |
//!
//! Trained by tools/train/ (its README has the data, the losses and the figures); the
//! weights are compiled in as int8 with one f32 scale per output row (`weights.i8`,
//! written with `weights.rs` by tools/train/export.py) and multiplied as integers
//! ([`Int8Affine`]: each layer's input rounded to int16, exact sums).
//! [`TemporalModel`] is the streaming forward pass: push mel power rows, receive each
//! frame's logits `LOOKAHEAD_FRAMES` frames later, and [`TemporalModel::finish`] flushes the rest. It
//! gives the same logits as the PyTorch model on a whole clip (zero padding at both ends),
//! within the fast activations' and the inputs' rounding error (`tests.rs`: largest logit
//! difference 1.6e-3 on a real clip).

mod inputs;
#[cfg(test)]
mod tests;
// `MODEL_VERSION` is read only by the `dev` hooks.
#[cfg_attr(not(feature = "dev"), allow(dead_code))]
mod weights;

use std::sync::OnceLock;

use crate::nn::{Gru, GruScratch, Int8Affine};
#[cfg(test)]
use inputs::N_MELS;
pub use inputs::{InputNormaliser, N_INPUTS};
#[cfg(feature = "dev")]
pub use weights::MODEL_VERSION;
use weights::{CHANNELS, DELAY, HIDDEN};

/// Logits per frame: speech, background given speech, overlap.
pub const N_OUTPUTS: usize = 3;
/// Convolution 1's kernel, frames.
const K1: usize = 5;
/// Convolution 2's kernel, steps.
const K2: usize = 3;
/// Frames between pushing frame `t` and receiving its logits: the convolutions look 2 + 2
/// frames ahead and the head reads the GRU `DELAY` 20 ms steps later (at most one more
/// frame for the second frame of a step).
#[cfg(any(test, feature = "dev"))]
pub const LOOKAHEAD_FRAMES: usize = 2 + 2 + 2 * DELAY + 1;

/// The layers, convolution kernels reordered to `(out, tap, in)` so that a step is one dot
/// product over a contiguous window.
#[derive(Debug)]
struct Weights {
    conv1: Int8Affine,
    conv2: Int8Affine,
    gru: Gru,
    head: Int8Affine,
}

/// The tensors of `weights.i8` in file order, as `(scales, values)`: per tensor, one
/// little-endian f32 scale per row, then the int8 values row by row (shapes in
/// `TENSOR_SHAPES`); a weight is its value times its row's scale.
fn tensors() -> impl Iterator<Item = (Vec<f32>, &'static [i8])> {
    let mut at = 0;
    weights::TENSOR_SHAPES.iter().map(move |&(rows, columns)| {
        let (scales, rest) = weights::WEIGHTS_I8[at..].split_at(4 * rows);
        at += rows * (4 + columns);
        let scales = scales
            .chunks_exact(4)
            .map(|s| f32::from_le_bytes([s[0], s[1], s[2], s[3]]))
            .collect();
        let values = &rest[..rows * columns];
        // SAFETY: i8 and u8 have the same size and alignment, and every bit pattern is a
        // valid i8.
        let values =
            unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<i8>(), values.len()) };
        (scales, values)
    })
}

/// A bias tensor (one row) in f32.
fn dequantised((scales, values): (Vec<f32>, &[i8])) -> Vec<f32> {
    values.iter().map(|&q| f32::from(q) * scales[0]).collect()
}

fn weights() -> &'static Weights {
    static W: OnceLock<Weights> = OnceLock::new();
    W.get_or_init(|| {
        let mut t = tensors();
        let mut next = || {
            t.next()
                .expect("weights.i8 holds every tensor (checked at build)")
        };
        let (c1, c1b, c2, c2b) = (next(), next(), next(), next());
        let (w_ih, w_hh, b_ih, b_hh) = (next(), next(), next(), next());
        let (head, head_bias) = (next(), next());
        let conv = |(scales, values): (Vec<f32>, &[i8]), bias, n_in, taps| {
            let values = taps_inner(values, scales.len(), n_in, taps);
            Int8Affine::new(&values, scales, dequantised(bias))
        };
        let layer = |(scales, values): (Vec<f32>, &[i8]), bias| {
            Int8Affine::new(values, scales, dequantised(bias))
        };
        Weights {
            conv1: conv(c1, c1b, N_INPUTS, K1),
            conv2: conv(c2, c2b, CHANNELS, K2),
            gru: Gru {
                input: layer(w_ih, b_ih),
                hidden: layer(w_hh, b_hh),
            },
            head: layer(head, head_bias),
        }
    })
}

/// `max(x, 0)` as a compare-and-select (`fastmath::fmax`): `f32::max`, with its NaN rule, is a
/// libm call per element in wasm.
#[inline(always)]
fn relu(x: f32) -> f32 {
    crate::fastmath::fmax(x, 0.0)
}

/// PyTorch's Conv1d weight `(out, in, tap)` -> `(out, tap, in)`.
fn taps_inner(w: &[i8], n_out: usize, n_in: usize, taps: usize) -> Vec<i8> {
    let mut r = vec![0; w.len()];
    for o in 0..n_out {
        for i in 0..n_in {
            for k in 0..taps {
                r[(o * taps + k) * n_in + i] = w[(o * n_in + i) * taps + k];
            }
        }
    }
    r
}

/// The streaming forward pass. Push mel power rows in frame order; each frame's logits come
/// out, in order, once the frames the model looks ahead to have arrived. One struct per
/// stream: after [`TemporalModel::finish`], make a new one.
#[derive(Debug, Clone)]
pub struct TemporalModel {
    w: &'static Weights,
    normaliser: InputNormaliser,
    /// The last `K1` input rows, oldest first (rows before the first frame are zeros).
    window: Vec<f32>,
    /// Rows shifted into `window`, the zero padding at the end included.
    rows_seen: usize,
    /// The last `K2` outputs of convolution 1, oldest first.
    conv1_window: Vec<f32>,
    conv1_steps: usize,
    conv2_out: Vec<f32>,
    hidden: Vec<f32>,
    gru_steps: usize,
    scratch: GruScratch,
    /// The quantised input of the convolutions and the head.
    quantised: Vec<i16>,
    head_out: [f32; 2 * N_OUTPUTS],
    /// Real frames pushed.
    frames_in: usize,
}

impl Default for TemporalModel {
    fn default() -> Self {
        Self::new()
    }
}

impl TemporalModel {
    /// A model at the start of a stream.
    pub fn new() -> Self {
        let w = weights();
        TemporalModel {
            w,
            normaliser: InputNormaliser::new(),
            window: vec![0.0; K1 * N_INPUTS],
            rows_seen: 0,
            conv1_window: vec![0.0; K2 * CHANNELS],
            conv1_steps: 0,
            conv2_out: vec![0.0; CHANNELS],
            hidden: vec![0.0; HIDDEN],
            gru_steps: 0,
            scratch: w.gru.scratch(),
            quantised: vec![0; K1 * N_INPUTS],
            head_out: [0.0; 2 * N_OUTPUTS],
            frames_in: 0,
        }
    }

    /// Pushes one frame's 64 mel band powers (the VAD front end's); `out` receives every
    /// frame whose logits are now known, as `(frame index, logits)`.
    pub fn push(&mut self, mel_power: &[f32], out: &mut impl FnMut(usize, &[f32; N_OUTPUTS])) {
        let mut row = [0.0f32; N_INPUTS];
        self.normaliser.push(mel_power, &mut row);
        self.frames_in += 1;
        self.shift_in(&row, out);
    }

    /// Ends the stream: the remaining frames' logits, with zero padding after the last frame
    /// as in training.
    pub fn finish(&mut self, out: &mut impl FnMut(usize, &[f32; N_OUTPUTS])) {
        let steps = self.frames_in.div_ceil(2);
        if steps == 0 {
            return;
        }
        while self.conv1_steps < steps {
            self.shift_in(&[0.0; N_INPUTS], out);
        }
        // Convolution 2's last step sees zero padding after convolution 1's last output.
        self.conv1_window.copy_within(CHANNELS.., 0);
        self.conv1_window[(K2 - 1) * CHANNELS..].fill(0.0);
        self.conv2_and_gru(out);
        // The head reads the GRU `DELAY` steps late: run it on zero inputs past the end.
        for _ in 0..DELAY {
            self.conv2_out.fill(0.0);
            self.gru_and_head(out);
        }
    }

    fn shift_in(&mut self, row: &[f32; N_INPUTS], out: &mut impl FnMut(usize, &[f32; N_OUTPUTS])) {
        self.window.copy_within(N_INPUTS.., 0);
        self.window[(K1 - 1) * N_INPUTS..].copy_from_slice(row);
        self.rows_seen += 1;
        // Convolution 1's step j is centred on frame 2j and needs frame 2j + 2.
        let newest = self.rows_seen - 1;
        if newest >= 2 && newest % 2 == 0 {
            self.conv1_step(out);
        }
    }

    fn conv1_step(&mut self, out: &mut impl FnMut(usize, &[f32; N_OUTPUTS])) {
        let w = self.w;
        self.conv1_window.copy_within(CHANNELS.., 0);
        let last = &mut self.conv1_window[(K2 - 1) * CHANNELS..];
        w.conv1.apply(&self.window, &mut self.quantised, last);
        last.iter_mut().for_each(|v| *v = relu(*v));
        self.conv1_steps += 1;
        // Convolution 2's step j needs convolution 1's step j + 1 (its step 0 sees the zero
        // padding before the stream, already in the window).
        if self.conv1_steps >= 2 {
            self.conv2_and_gru(out);
        }
    }

    fn conv2_and_gru(&mut self, out: &mut impl FnMut(usize, &[f32; N_OUTPUTS])) {
        let w = self.w;
        w.conv2
            .apply(&self.conv1_window, &mut self.quantised, &mut self.conv2_out);
        self.conv2_out.iter_mut().for_each(|v| *v = relu(*v));
        self.gru_and_head(out);
    }

    fn gru_and_head(&mut self, out: &mut impl FnMut(usize, &[f32; N_OUTPUTS])) {
        let w = self.w;
        w.gru
            .step(&self.conv2_out, &mut self.hidden, &mut self.scratch);
        self.gru_steps += 1;
        if self.gru_steps <= DELAY {
            return;
        }
        w.head
            .apply(&self.hidden, &mut self.quantised, &mut self.head_out);
        let step = self.gru_steps - 1 - DELAY;
        for half in 0..2 {
            let frame = 2 * step + half;
            // The last step of an odd-length input covers one frame past its end.
            if frame < self.frames_in {
                let mut l = [0.0; N_OUTPUTS];
                l.copy_from_slice(&self.head_out[half * N_OUTPUTS..(half + 1) * N_OUTPUTS]);
                out(frame, &l);
            }
        }
    }
}
