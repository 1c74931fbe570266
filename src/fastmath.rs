//! A branch-free `log2` for the dB and log-mel stages.
//!
//! `f32::log10` compiles to libm's `log10f` in wasm (there is no log instruction), which was
//! the largest cost of a log-mel frame after the FFT. This version splits `x = m * 2^e` with
//! `m` in `[sqrt(1/2), sqrt(2))` by bit manipulation and evaluates
//! `ln m = 2 atanh(t) = 2 (t + t^3/3 + ... + t^9/9)` with `t = (m - 1) / (m + 1)`,
//! `|t| <= 0.1716`, whose truncation error is below `2 |t|^11 / 11 = 7e-10`. The whole
//! computation auto-vectorises. Accuracy is limited by `f32` rounding: the error of `log2` is
//! below `1e-6` plus one ulp of the result for every positive normal `x` (tested below), i.e.
//! at most 3e-5 dB anywhere in the normal range, against a 1e-3 dB budget. Inputs must be positive, finite and normal; callers
//! floor values at `amin >= f32::MIN_POSITIVE` first.

use std::f32::consts::{LN_2, SQRT_2};

/// `log2(x)` for positive, finite, normal `x`.
#[inline(always)]
pub fn log2(x: f32) -> f32 {
    let bits = x.to_bits() as i32;
    // Exponent with the mantissa normalised into [sqrt(1/2), sqrt(2)): subtracting the bit
    // pattern of sqrt(1/2) makes the exponent step at the mantissa's midpoint.
    const SQRT_HALF_BITS: i32 = 0x3f35_04f3;
    let e = (bits - SQRT_HALF_BITS) >> 23;
    let m = f32::from_bits((bits - (e << 23)) as u32);
    debug_assert!((0.70..=SQRT_2 + 1e-6).contains(&m));
    let t = (m - 1.0) / (m + 1.0);
    let t2 = t * t;
    let series = 1.0 + t2 * (1.0 / 3.0 + t2 * (1.0 / 5.0 + t2 * (1.0 / 7.0 + t2 * (1.0 / 9.0))));
    e as f32 + (2.0 * t * series) * (1.0 / LN_2)
}

/// `10 log10(x)` (decibels of a power) for positive, finite, normal `x`.
#[inline(always)]
pub fn db10(x: f32) -> f32 {
    // 10 log10(x) = 10 log10(2) log2(x)
    const TEN_LOG10_2: f32 = (10.0 * std::f64::consts::LOG10_2) as f32;
    TEN_LOG10_2 * log2(x)
}

/// The power of a level in decibels, `10^(db / 10)`, in `f64`: written as
/// `exp(db ln(10) / 10)`, the same value to an ulp, because in wasm both are software and
/// `pow` costs more (the labeller's active level: one call per frame of a segment).
#[inline(always)]
pub fn power_from_db(db: f64) -> f64 {
    (db * (std::f64::consts::LN_10 / 10.0)).exp()
}

/// Natural log for positive, finite, normal `x`.
#[inline(always)]
pub fn ln(x: f32) -> f32 {
    LN_2 * log2(x)
}

/// `max(a, b)` for inputs known not to be NaN: a plain compare-and-select, which the
/// compiler vectorises (`f32::max` must handle NaN and does not). Used in per-bin loops.
#[inline(always)]
pub fn fmax(a: f32, b: f32) -> f32 {
    if a > b {
        a
    } else {
        b
    }
}

/// `min(a, b)` for inputs known not to be NaN, as [`fmax`].
#[inline(always)]
pub fn fmin(a: f32, b: f32) -> f32 {
    if a < b {
        a
    } else {
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log2_is_accurate_over_the_normal_range() {
        let mut worst = 0.0f64;
        // Every 997th bit pattern from the smallest normal to the largest finite value.
        let mut bits = f32::MIN_POSITIVE.to_bits();
        while bits < f32::MAX.to_bits() {
            let x = f32::from_bits(bits);
            let exact = (x as f64).log2();
            // Allowed: 1e-6 plus one ulp of the f32 result (e.g. 7.6e-6 near log2 = 127).
            let err = (log2(x) as f64 - exact).abs() / (1e-6 + exact.abs() * f32::EPSILON as f64);
            worst = worst.max(err);
            bits += 997;
        }
        for x in [
            1.0f32,
            2.0,
            0.5,
            1e-10,
            1.192_092_9e-7,
            3.0e38,
            SQRT_2,
            0.707_106_77,
        ] {
            let exact = (x as f64).log2();
            let err = (log2(x) as f64 - exact).abs() / (1e-6 + exact.abs() * f32::EPSILON as f64);
            worst = worst.max(err);
        }
        assert!(worst < 1.0, "worst log2 error {worst} x (1e-6 + 1 ulp)");
        assert_eq!(log2(1.0), 0.0);
        assert!((db10(1e-10) + 100.0).abs() < 1e-4);
    }
}
