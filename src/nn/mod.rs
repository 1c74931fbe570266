//! The small neural networks behind the speech models: the layers of the temporal model
//! (`crate::model`: [`Int8Affine`] for its convolutions and head, [`Gru`] for its
//! recurrence), one
//! dense multilayer perceptron ([`Mlp`]: standardised inputs -> one `tanh` hidden layer ->
//! linear outputs) for the foreground/background classifier (`crate::fgbg::model`), and the
//! activations ([`fast_tanh`], [`sigmoid`]). Each fixes the order of its floating-point
//! operations (the int8 layers sum exactly in integers), which the pinned outputs and the native/wasm determinism tests rely on.

mod activation;
mod gru;
mod int8;
mod mlp;

pub use activation::{fast_tanh, sigmoid};
pub use gru::{Gru, GruScratch};
pub use int8::Int8Affine;
pub use mlp::Mlp;
