//! A fully connected layer over int8 weights, computed in integers: the input vector is
//! quantised to int16 with one scale (its largest magnitude becomes 32767), each row's dot
//! product is exact in `i32`, and the sum is scaled back once per row.
//!
//! Why integers: the temporal model's weights are int8 already (one scale per output row,
//! tools/train/common.py `quantise`), so only the input is rounded, by at most half of
//! `max |x| / 32767` per element (a relative 1.5e-5 of the largest input). wasm's
//! `i32x4.dot_i16x8_s` does eight multiply-adds per instruction, against four multiplies and
//! four adds in `f32x4`, on half the bytes. And an integer sum is exact in any order, so the
//! native build (whose vectoriser may reorder it) and the wasm build give the same bits.
//! The same scheme as "dynamic quantisation" in PyTorch and ONNX Runtime (int8 weights,
//! activations quantised per call), here with int16 activations so that the rounding stays
//! far below the int8 weights' own.

/// The largest input magnitude after quantisation.
const INPUT_MAX: f32 = 32767.0;

/// Inputs per row for which an `i32` cannot overflow, whatever the int8 values:
/// `128 * 32767 * n <= i32::MAX` (the exported weights stay within +-127).
pub const MAX_INPUTS: usize = (i32::MAX as usize) / (128 * 32767);

/// `out[o] = bias[o] + scale[o] * sum(q[o][i] * x[i])` for int8 weights `q`, row-major.
#[derive(Debug, Clone)]
pub struct Int8Affine {
    n_in: usize,
    /// The int8 values widened to `i16` (the lanes `i32x4.dot_i16x8_s` multiplies).
    weights: Vec<i16>,
    /// One per output row.
    scales: Vec<f32>,
    bias: Vec<f32>,
}

impl Int8Affine {
    /// A layer of `scales.len()` rows over `values.len() / scales.len()` inputs; `bias` has
    /// one value per row. Panics on inconsistent lengths or more than [`MAX_INPUTS`] inputs:
    /// the layers are compiled in (their shapes are checked at build).
    pub fn new(values: &[i8], scales: Vec<f32>, bias: Vec<f32>) -> Self {
        let n_out = scales.len();
        assert!(n_out > 0 && values.len() % n_out == 0 && bias.len() == n_out);
        let n_in = values.len() / n_out;
        assert!(
            n_in <= MAX_INPUTS,
            "{n_in} inputs could overflow an i32 sum"
        );
        Int8Affine {
            n_in,
            weights: values.iter().map(|&v| i16::from(v)).collect(),
            scales,
            bias,
        }
    }

    /// Inputs per row.
    pub fn inputs(&self) -> usize {
        self.n_in
    }

    /// Output rows.
    pub fn outputs(&self) -> usize {
        self.scales.len()
    }

    /// Applies the layer to `x` (`inputs()` long), writing `outputs()` values to `out`;
    /// `x_q` (at least `inputs()` long) receives the quantised input.
    #[inline]
    pub fn apply(&self, x: &[f32], x_q: &mut [i16], out: &mut [f32]) {
        debug_assert_eq!(x.len(), self.n_in);
        debug_assert_eq!(out.len(), self.scales.len());
        let x_q = &mut x_q[..self.n_in];
        let x_scale = quantise(x, x_q);
        let x_q = &*x_q;
        let finish = |sum: i32, scale: f32, bias: f32| bias + sum as f32 * (scale * x_scale);
        // Four rows at a time (each input chunk loaded once for the four), then the rest.
        let mut groups = self.weights.chunks_exact(4 * self.n_in);
        let mut ys = out.chunks_exact_mut(4);
        let mut params = self.scales.chunks_exact(4).zip(self.bias.chunks_exact(4));
        for ((rows, y), (scales, bias)) in (&mut groups).zip(&mut ys).zip(&mut params) {
            let sums = dot4(rows, x_q);
            for k in 0..4 {
                y[k] = finish(sums[k], scales[k], bias[k]);
            }
        }
        let last_rows = groups.remainder().chunks_exact(self.n_in);
        let last_params = self.scales[self.scales.len() / 4 * 4..]
            .iter()
            .zip(&self.bias[self.bias.len() / 4 * 4..]);
        for ((y, row), (&scale, &bias)) in ys
            .into_remainder()
            .iter_mut()
            .zip(last_rows)
            .zip(last_params)
        {
            *y = finish(dot(row, x_q), scale, bias);
        }
    }
}

/// Rounds `x / s` to the nearest integer (ties to even) into `q`, with `s = max |x| / 32767`,
/// and returns `s` (0 for an all-zero input, whose `q` is all zeros). NaNs are skipped in
/// the maximum (and become 0).
fn quantise(x: &[f32], q: &mut [i16]) -> f32 {
    // A comparison rather than `f32::max`, whose NaN rule wasm's `f32.max` does not share:
    // in wasm it is a call to libm's `fmaxf` per element.
    let peak = x
        .iter()
        .fold(0.0f32, |m, v| if v.abs() > m { v.abs() } else { m });
    if !(peak > 0.0 && peak.is_finite()) {
        q.fill(0);
        return 0.0;
    }
    round_scaled(x, INPUT_MAX / peak, q);
    peak / INPUT_MAX
}

/// `q[i] = round_ties_even(x[i] * inv)`, saturated to `i16`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline]
fn round_scaled(x: &[f32], inv: f32, q: &mut [i16]) {
    for (qi, v) in q.iter_mut().zip(x) {
        *qi = round_to_i16(v * inv);
    }
}

/// `y.round_ties_even() as i16` for `|y| <= 32768`: adding and subtracting 1.5 * 2^23 leaves
/// no fraction bits, and IEEE addition rounds ties to even. Unlike `round_ties_even`, this
/// is no libm call (`rintf`) on x86-64 without SSE4.1, and it vectorises.
#[inline(always)]
fn round_to_i16(y: f32) -> i16 {
    const SHIFT: f32 = 12_582_912.0; // 1.5 * 2^23
    ((y + SHIFT) - SHIFT) as i16
}

/// The same rounding four lanes at a time (`f32x4.nearest` rounds ties to even; the narrowing
/// saturates as `as i16` does), then the scalar loop for the tail.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
fn round_scaled(x: &[f32], inv: f32, q: &mut [i16]) {
    use core::arch::wasm32::{
        f32x4_mul, f32x4_nearest, f32x4_splat, i16x8_narrow_i32x4, i32x4_trunc_sat_f32x4, v128,
        v128_load, v128_store,
    };
    let n = x.len().min(q.len());
    let (x, q) = (&x[..n], &mut q[..n]);
    let scale = f32x4_splat(inv);
    let mut xs = x.chunks_exact(8);
    let mut qs = q.chunks_exact_mut(8);
    for (xc, qc) in (&mut xs).zip(&mut qs) {
        // SAFETY: each chunk holds exactly eight elements: two 16-byte reads of f32s, one
        // 16-byte write of i16s; v128 loads and stores have no alignment requirement.
        unsafe {
            let lo = v128_load(xc.as_ptr() as *const v128);
            let hi = v128_load(xc.as_ptr().add(4) as *const v128);
            let lo = i32x4_trunc_sat_f32x4(f32x4_nearest(f32x4_mul(lo, scale)));
            let hi = i32x4_trunc_sat_f32x4(f32x4_nearest(f32x4_mul(hi, scale)));
            v128_store(qc.as_mut_ptr() as *mut v128, i16x8_narrow_i32x4(lo, hi));
        }
    }
    for (qi, v) in qs.into_remainder().iter_mut().zip(xs.remainder()) {
        *qi = round_to_i16(v * inv);
    }
}

/// `sum(a[i] * b[i])` over the common length, exact (see [`MAX_INPUTS`]): the whole dot
/// product natively (where LLVM vectorises it), the tails after the SIMD chunks in wasm.
#[inline]
fn dot_scalar(a: &[i16], b: &[i16]) -> i32 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| i32::from(x) * i32::from(y))
        .sum()
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use self::dot_scalar as dot;

/// [`dot_scalar`] of four consecutive rows (`rows` holds them, `x.len()` each) with `x`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline]
fn dot4(rows: &[i16], x: &[i16]) -> [i32; 4] {
    let n = x.len();
    std::array::from_fn(|k| dot(&rows[k * n..(k + 1) * n], x))
}

/// Four rows' sums at once: each chunk of `x` is loaded once for the four rows, and the four
/// accumulators are reduced together by two rounds of shuffles (integer sums are exact, so
/// any order gives the scalar loop's value).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
fn dot4(rows: &[i16], x: &[i16]) -> [i32; 4] {
    use core::arch::wasm32::{
        i32x4_add, i32x4_dot_i16x8, i32x4_extract_lane, i32x4_shuffle, i32x4_splat, v128, v128_load,
    };
    let n = x.len();
    let (r0, rest) = rows.split_at(n);
    let (r1, rest) = rest.split_at(n);
    let (r2, r3) = rest.split_at(n);
    let r3 = &r3[..n];
    let chunks = n / 8;
    let mut acc = [i32x4_splat(0); 4];
    // SAFETY: every read is at an element `8c + 0..8` with `c < n / 8` of a slice of `n`
    // elements, so in bounds; v128_load has no alignment requirement.
    let load = |s: &[i16], c: usize| unsafe { v128_load(s.as_ptr().add(8 * c) as *const v128) };
    for c in 0..chunks {
        let xv = load(x, c);
        acc[0] = i32x4_add(acc[0], i32x4_dot_i16x8(load(r0, c), xv));
        acc[1] = i32x4_add(acc[1], i32x4_dot_i16x8(load(r1, c), xv));
        acc[2] = i32x4_add(acc[2], i32x4_dot_i16x8(load(r2, c), xv));
        acc[3] = i32x4_add(acc[3], i32x4_dot_i16x8(load(r3, c), xv));
    }
    // [a0+a2 | b0+b2 | a1+a3 | b1+b3] for rows (0, 1) and (2, 3), then the two halves.
    let pair = |a: v128, b: v128| {
        i32x4_add(
            i32x4_shuffle::<0, 4, 1, 5>(a, b),
            i32x4_shuffle::<2, 6, 3, 7>(a, b),
        )
    };
    let (p01, p23) = (pair(acc[0], acc[1]), pair(acc[2], acc[3]));
    let sums = i32x4_add(
        i32x4_shuffle::<0, 1, 4, 5>(p01, p23),
        i32x4_shuffle::<2, 3, 6, 7>(p01, p23),
    );
    let tail = |r: &[i16]| dot_scalar(&r[8 * chunks..], &x[8 * chunks..]);
    [
        i32x4_extract_lane::<0>(sums) + tail(r0),
        i32x4_extract_lane::<1>(sums) + tail(r1),
        i32x4_extract_lane::<2>(sums) + tail(r2),
        i32x4_extract_lane::<3>(sums) + tail(r3),
    ]
}

/// The same sum, eight products per `i32x4.dot_i16x8_s` (LLVM does not form it from the
/// scalar loop).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline]
fn dot(a: &[i16], b: &[i16]) -> i32 {
    use core::arch::wasm32::{
        i32x4_add, i32x4_dot_i16x8, i32x4_extract_lane, i32x4_splat, v128, v128_load,
    };
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = i32x4_splat(0);
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail = dot_scalar(ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        // SAFETY: each chunk holds exactly eight i16s (16 bytes); v128_load has no
        // alignment requirement.
        let (x, y) = unsafe {
            (
                v128_load(x.as_ptr() as *const v128),
                v128_load(y.as_ptr() as *const v128),
            )
        };
        acc = i32x4_add(acc, i32x4_dot_i16x8(x, y));
    }
    tail + i32x4_extract_lane::<0>(acc)
        + i32x4_extract_lane::<1>(acc)
        + i32x4_extract_lane::<2>(acc)
        + i32x4_extract_lane::<3>(acc)
}

#[cfg(test)]
mod tests {
    use super::{Int8Affine, MAX_INPUTS};

    #[test]
    fn matches_the_dequantised_layer() {
        // 3 rows over 13 inputs (a remainder after the eight-lane chunks).
        let values: Vec<i8> = (0..39).map(|i| (i * 37 % 255 - 127) as i8).collect();
        let scales = vec![0.01, 0.002, 0.5];
        let bias = vec![0.25, -1.0, 3.0];
        let layer = Int8Affine::new(&values, scales.clone(), bias.clone());
        let x: Vec<f32> = (0..13)
            .map(|i| ((i * 53 % 89) as f32 - 44.0) / 7.0)
            .collect();
        let mut q = vec![0; 13];
        let mut out = vec![0.0; 3];
        layer.apply(&x, &mut q, &mut out);
        let peak = x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        for o in 0..3 {
            let want: f64 = bias[o] as f64
                + (0..13)
                    .map(|i| values[o * 13 + i] as f64 * scales[o] as f64 * x[i] as f64)
                    .sum::<f64>();
            // The input's rounding: at most half a step per element.
            let bound: f64 = (0..13)
                .map(|i| (values[o * 13 + i] as f64 * scales[o] as f64).abs())
                .sum::<f64>()
                * 0.5
                * peak as f64
                / 32767.0
                + 1e-5 * want.abs();
            assert!(
                (out[o] as f64 - want).abs() <= bound,
                "row {o}: {} vs {want} (bound {bound})",
                out[o]
            );
        }
    }

    #[test]
    fn rounds_ties_to_even() {
        for y in [
            -32768.0f32,
            -32767.5,
            -2.5,
            -1.5,
            -0.5,
            -0.49,
            0.0,
            0.5,
            1.5,
            2.5,
            2.51,
            100.49,
            32766.5,
            32767.0,
        ] {
            assert_eq!(super::round_to_i16(y), y.round_ties_even() as i16, "{y}");
        }
    }

    #[test]
    fn every_row_of_a_four_row_group_and_the_rest() {
        // 7 rows (one group of four, three single rows) over 21 inputs (two chunks and a tail):
        // every row must equal its own single-row sum.
        let (n_out, n_in) = (7usize, 21usize);
        let values: Vec<i8> = (0..n_out * n_in)
            .map(|i| ((i * 53) % 255) as i32 as i8)
            .collect();
        let scales: Vec<f32> = (0..n_out).map(|o| 0.01 * (o + 1) as f32).collect();
        let bias: Vec<f32> = (0..n_out).map(|o| o as f32 - 3.0).collect();
        let layer = Int8Affine::new(&values, scales.clone(), bias.clone());
        let x: Vec<f32> = (0..n_in)
            .map(|i| ((i * 29 % 31) as f32 - 15.0) / 4.0)
            .collect();
        let mut q = vec![0; n_in];
        let mut out = vec![0.0; n_out];
        layer.apply(&x, &mut q, &mut out);
        let x_scale = x.iter().fold(0.0f32, |m, v| m.max(v.abs())) / 32767.0;
        for o in 0..n_out {
            let row = &layer.weights[o * n_in..(o + 1) * n_in];
            let sum: i32 = row
                .iter()
                .zip(&q)
                .map(|(&w, &v)| i32::from(w) * i32::from(v))
                .sum();
            let want = bias[o] + sum as f32 * (scales[o] * x_scale);
            assert_eq!(out[o].to_bits(), want.to_bits(), "row {o}");
        }
    }

    #[test]
    fn zero_input_gives_the_bias() {
        let layer = Int8Affine::new(&[5, -3, 127, -127], vec![1.0, 2.0], vec![0.5, -0.5]);
        let mut out = [9.0; 2];
        layer.apply(&[0.0, 0.0], &mut [0; 2], &mut out);
        assert_eq!(out, [0.5, -0.5]);
    }

    #[test]
    fn the_largest_sum_does_not_overflow() {
        // The most negative int8 value times the largest input, in every row position; the
        // wasm build sums four rows at once, so four rows.
        let n = MAX_INPUTS;
        let layer = Int8Affine::new(&vec![-128; 4 * n], vec![1.0; 4], vec![0.0; 4]);
        let x = vec![1.0f32; n];
        let mut out = [0.0; 4];
        layer.apply(&x, &mut vec![0; n], &mut out);
        let want = -128.0 * n as f64;
        for y in out {
            assert!(((y as f64) - want).abs() < 1e-6 * want.abs(), "{y}");
        }
    }
}
