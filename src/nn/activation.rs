//! Activation functions of the networks in [`crate::nn`]: a rational `tanh` (libm's `tanhf`
//! is a slow software routine in wasm, and the hidden layer calls it on every unit of every
//! frame) and the logistic function that turns the output logits into probabilities.

/// `tanh` by its [7/6] Padé approximant, clamped to +-1: absolute error below 2e-4 for all
/// inputs (libm's `tanhf` is a slow software routine in wasm).
#[inline(always)]
pub fn fast_tanh(x: f32) -> f32 {
    let x = x.clamp(-4.97, 4.97);
    let x2 = x * x;
    let p = x * (135_135.0 + x2 * (17_325.0 + x2 * (378.0 + x2)));
    let q = 135_135.0 + x2 * (62_370.0 + x2 * (3_150.0 + x2 * 28.0));
    (p / q).clamp(-1.0, 1.0)
}

/// The logistic function.
#[inline]
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    #[test]
    fn fast_tanh_is_close() {
        let mut worst = 0.0f32;
        for i in -2000..=2000 {
            let x = i as f32 * 0.005;
            worst = worst.max((super::fast_tanh(x) - x.tanh()).abs());
        }
        assert!(worst < 2e-4, "{worst}");
    }
}
