//! The small neural networks behind the speech models: one dense multilayer perceptron
//! ([`Mlp`]: standardised inputs -> one `tanh` hidden layer -> linear outputs), the layers
//! of the temporal model (`crate::model`: `affine` for its convolutions and
//! head, `Gru` for its recurrence) and the activations ([`fast_tanh`], [`sigmoid`]). The voice activity
//! classifier (`crate::vad::model`) and the foreground/background classifier
//! (`crate::fgbg::model`) are both instances of [`Mlp`], so the forward pass, and the exact
//! order of its floating-point operations that the pinned outputs and the native/wasm
//! determinism tests rely on, is written once.

mod activation;
mod dense;
mod gru;
mod mlp;

pub use activation::{fast_tanh, sigmoid};
pub use dense::affine;
pub use gru::{Gru, GruScratch};
pub use mlp::Mlp;
