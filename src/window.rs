//! Analysis windows.
//!
//! `hann`, `hamming` and `blackman` are the *periodic* (DFT-even) forms, as returned by
//! `scipy.signal.get_window(name, N, fftbins=True)`, which is what librosa uses: the
//! cosine period is `N`, so the window is one sample short of symmetric. `povey` is
//! Kaldi's window (`feature-window.cc`): a Hann window with period `N - 1` raised to the
//! power 0.85. Tables are computed in `f64` and stored as `f32`.

use crate::names::option_names;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// A window function applied to each frame before the FFT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum WindowKind {
    /// Periodic Hann: `0.5 - 0.5 cos(2 pi n / N)`. Librosa's default.
    #[default]
    Hann,
    /// Periodic Hamming: `0.54 - 0.46 cos(2 pi n / N)`.
    Hamming,
    /// Periodic Blackman: `0.42 - 0.5 cos(2 pi n / N) + 0.08 cos(4 pi n / N)`.
    Blackman,
    /// Kaldi's Povey window: `(0.5 - 0.5 cos(2 pi n / (N - 1)))^0.85`.
    Povey,
    /// No window (all ones).
    Rectangular,
}

impl WindowKind {
    /// Every window, in documentation order.
    pub const ALL: [WindowKind; 5] = [
        WindowKind::Hann,
        WindowKind::Hamming,
        WindowKind::Blackman,
        WindowKind::Povey,
        WindowKind::Rectangular,
    ];

    /// Value of the window at sample `n` of `len`, in `f64`.
    pub fn value(self, n: usize, len: usize) -> f64 {
        if len <= 1 {
            return 1.0;
        }
        let periodic = 2.0 * PI * n as f64 / len as f64;
        match self {
            WindowKind::Hann => 0.5 - 0.5 * periodic.cos(),
            WindowKind::Hamming => 0.54 - 0.46 * periodic.cos(),
            WindowKind::Blackman => 0.42 - 0.5 * periodic.cos() + 0.08 * (2.0 * periodic).cos(),
            WindowKind::Povey => {
                let symmetric = 2.0 * PI * n as f64 / (len - 1) as f64;
                (0.5 - 0.5 * symmetric.cos()).powf(0.85)
            }
            WindowKind::Rectangular => 1.0,
        }
    }

    /// The whole window of `len` samples.
    pub fn table(self, len: usize) -> Vec<f32> {
        (0..len).map(|n| self.value(n, len) as f32).collect()
    }

    /// The whole window of `len` samples in `f64`.
    pub fn table_f64(self, len: usize) -> Vec<f64> {
        (0..len).map(|n| self.value(n, len)).collect()
    }
}

option_names!(WindowKind, field "window", expected "one of hann, hamming, blackman, povey, rectangular", {
    Hann => "hann" | "hanning",
    Hamming => "hamming",
    Blackman => "blackman",
    Povey => "povey",
    Rectangular => "rectangular",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periodic_hann_is_dft_even() {
        // Periodic: w[n] == w[N - n] for n in 1..N, and w[0] == 0.
        let w = WindowKind::Hann.table(8);
        assert_eq!(w[0], 0.0);
        for n in 1..8 {
            assert!((w[n] - w[8 - n]).abs() < 1e-7);
        }
        assert!((w[4] - 1.0).abs() < 1e-7);
    }

    #[test]
    fn povey_is_symmetric_and_zero_at_both_ends() {
        let w = WindowKind::Povey.table(400);
        assert_eq!(w[0], 0.0);
        assert!(w[399].abs() < 1e-7);
        for n in 0..400 {
            assert!((w[n] - w[399 - n]).abs() < 1e-6);
        }
    }

    #[test]
    fn window_sums_match_closed_forms() {
        // Periodic cosine windows sum to N times their constant term.
        let n = 512;
        let sum = |k: WindowKind| k.table(n).iter().map(|&x| x as f64).sum::<f64>();
        assert!((sum(WindowKind::Hann) - 256.0).abs() < 1e-3);
        assert!((sum(WindowKind::Hamming) - 0.54 * 512.0).abs() < 1e-3);
        assert!((sum(WindowKind::Blackman) - 0.42 * 512.0).abs() < 1e-3);
    }

    #[test]
    fn names_round_trip() {
        for k in WindowKind::ALL {
            assert_eq!(k.as_str().parse::<WindowKind>().unwrap(), k);
        }
        assert!("kaiser".parse::<WindowKind>().is_err());
    }
}
