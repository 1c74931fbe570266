//! One step of a gated recurrent unit, in PyTorch's formulation (`torch.nn.GRU`, after Cho
//! et al. 2014, "Learning Phrase Representations using RNN Encoder-Decoder"):
//!
//! ```text
//! r  = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
//! z  = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//! n  = tanh(W_in x + b_in + r * (W_hn h + b_hn))
//! h' = (1 - z) * n + z * h
//! ```
//!
//! The gates use [`fast_tanh`] (and `sigmoid(x) = (1 + tanh(x / 2)) / 2`), so the recurrence
//! costs no libm call and gives the same bits natively and in wasm; the two projections are
//! int8 layers ([`Int8Affine`]).

use super::fast_tanh;
use super::int8::Int8Affine;

/// A GRU layer's weights in PyTorch's layout (gate rows ordered r, z, n).
#[derive(Debug, Clone)]
pub struct Gru {
    /// `weight_ih_l0` (`3 hidden x input`) with `bias_ih_l0`.
    pub input: Int8Affine,
    /// `weight_hh_l0` (`3 hidden x hidden`) with `bias_hh_l0`.
    pub hidden: Int8Affine,
}

/// Scratch of [`Gru::step`]: the input and hidden projections and the quantised vector,
/// kept to avoid an allocation per step.
#[derive(Debug, Clone)]
pub struct GruScratch {
    gi: Vec<f32>,
    gh: Vec<f32>,
    q: Vec<i16>,
}

#[inline(always)]
fn fast_sigmoid(x: f32) -> f32 {
    0.5 + 0.5 * fast_tanh(0.5 * x)
}

impl Gru {
    /// Units of the hidden state.
    pub fn hidden(&self) -> usize {
        self.input.outputs() / 3
    }

    /// Scratch buffers for [`Gru::step`].
    pub fn scratch(&self) -> GruScratch {
        GruScratch {
            gi: vec![0.0; self.input.outputs()],
            gh: vec![0.0; self.hidden.outputs()],
            q: vec![0; self.input.inputs().max(self.hidden.inputs())],
        }
    }

    /// Advances the hidden state `h` by one input vector `x`.
    pub fn step(&self, x: &[f32], h: &mut [f32], s: &mut GruScratch) {
        let n_h = self.hidden();
        self.input.apply(x, &mut s.q, &mut s.gi);
        self.hidden.apply(h, &mut s.q, &mut s.gh);
        for (k, hk) in h.iter_mut().enumerate().take(n_h) {
            let r = fast_sigmoid(s.gi[k] + s.gh[k]);
            let z = fast_sigmoid(s.gi[n_h + k] + s.gh[n_h + k]);
            let n = fast_tanh(s.gi[2 * n_h + k] + r * s.gh[2 * n_h + k]);
            *hk = (1.0 - z) * n + z * *hk;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Gru;
    use crate::nn::Int8Affine;

    #[test]
    fn one_unit_matches_the_equations() {
        // input 1, hidden 1: rows r, z, n; weights 0.5, -1, 2 and 1, 0.5, -0.5 as int8
        // values times their rows' scales.
        let g = Gru {
            input: Int8Affine::new(
                &[127, -127, 127],
                vec![0.5 / 127.0, 1.0 / 127.0, 2.0 / 127.0],
                vec![0.1, 0.2, 0.3],
            ),
            hidden: Int8Affine::new(
                &[127, 127, -127],
                vec![1.0 / 127.0, 0.5 / 127.0, 0.5 / 127.0],
                vec![-0.1, 0.0, 0.2],
            ),
        };
        let (x, h0) = (0.8f32, 0.3f32);
        let sig = |v: f32| 1.0 / (1.0 + (-v).exp());
        let r = sig(0.5 * x + 0.1 + h0 - 0.1);
        let z = sig(-x + 0.2 + 0.5 * h0);
        let n = (2.0 * x + 0.3 + r * (-0.5 * h0 + 0.2)).tanh();
        let want = (1.0 - z) * n + z * h0;
        let mut h = [h0];
        let mut s = g.scratch();
        g.step(&[x], &mut h, &mut s);
        assert!((h[0] - want).abs() < 1e-3, "{} vs {want}", h[0]);
    }
}
