//! Dense arithmetic shared by the temporal model's layers: a dot product with a fixed
//! summation order. Eight interleaved partial sums fit SIMD lanes without fast-math (two
//! `f32x4` registers, written out for wasm simd128; the compiler's own vectorisation
//! natively), and because the order is fixed, native and wasm builds give the same bits.
//! No fused multiply-add is used anywhere.

/// Partial sums of [`dot`]: lane `l` adds the products at indices `l, l + LANES, ...`.
const LANES: usize = 8;

/// `sum(a[i] * b[i])` over the common length, summed in a fixed order (eight interleaved
/// partial sums, then the tail, then the partial sums pairwise).
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; LANES];
    let mut chunks_a = a.chunks_exact(LANES);
    let mut chunks_b = b.chunks_exact(LANES);
    partial_sums(&mut chunks_a, &mut chunks_b, &mut acc);
    for (l, (x, y)) in chunks_a
        .remainder()
        .iter()
        .zip(chunks_b.remainder())
        .enumerate()
    {
        acc[l] += x * y;
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
}

/// Adds each chunk's products to the partial sums, lane `l` taking element `l`.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn partial_sums(
    chunks_a: &mut std::slice::ChunksExact<'_, f32>,
    chunks_b: &mut std::slice::ChunksExact<'_, f32>,
    acc: &mut [f32; LANES],
) {
    for (ca, cb) in chunks_a.zip(chunks_b) {
        for l in 0..LANES {
            acc[l] += ca[l] * cb[l];
        }
    }
}

/// The same partial sums in two `f32x4` registers (lanes 0-3 and 4-7): the same products
/// and additions per lane, so the same bits as the scalar loop. Written out because LLVM's
/// vectoriser, which may not reorder the sums, split the eight lanes into scalar, 2-lane
/// and 4-lane pieces (four multiplies per chunk instead of two): the temporal model's
/// analysis ran 1.16x faster in Chromium (docs/results.md). Computing four rows at once
/// as well, to load each input chunk once, gave nothing more in the same benchmark.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn partial_sums(
    chunks_a: &mut std::slice::ChunksExact<'_, f32>,
    chunks_b: &mut std::slice::ChunksExact<'_, f32>,
    acc: &mut [f32; LANES],
) {
    use core::arch::wasm32::{
        f32x4_add, f32x4_extract_lane, f32x4_mul, f32x4_splat, v128, v128_load,
    };
    let (mut lo, mut hi) = (f32x4_splat(0.0), f32x4_splat(0.0));
    for (ca, cb) in chunks_a.zip(chunks_b) {
        // SAFETY: each chunk holds exactly eight f32s, so the 16-byte reads at elements 0
        // and 4 are in bounds; v128_load has no alignment requirement.
        let load = |c: &[f32], at: usize| unsafe { v128_load(c.as_ptr().add(at) as *const v128) };
        lo = f32x4_add(lo, f32x4_mul(load(ca, 0), load(cb, 0)));
        hi = f32x4_add(hi, f32x4_mul(load(ca, 4), load(cb, 4)));
    }
    // The partial sums start at zero, and 0 + x is x: adding these lanes to `acc` (zeros)
    // gives the scalar loop's values.
    let lanes = [
        f32x4_extract_lane::<0>(lo),
        f32x4_extract_lane::<1>(lo),
        f32x4_extract_lane::<2>(lo),
        f32x4_extract_lane::<3>(lo),
        f32x4_extract_lane::<0>(hi),
        f32x4_extract_lane::<1>(hi),
        f32x4_extract_lane::<2>(hi),
        f32x4_extract_lane::<3>(hi),
    ];
    for (a, v) in acc.iter_mut().zip(lanes) {
        *a += v;
    }
}

/// `out[o] = bias[o] + dot(weights[o * IN..(o + 1) * IN], x)`: a fully connected layer
/// over row-major weights (`out.len()` rows of `x.len()` inputs).
#[inline]
pub fn affine(weights: &[f32], bias: &[f32], x: &[f32], out: &mut [f32]) {
    let n_in = x.len();
    debug_assert_eq!(weights.len(), out.len() * n_in);
    for (o, (y, row)) in out.iter_mut().zip(weights.chunks_exact(n_in)).enumerate() {
        *y = bias[o] + dot(row, x);
    }
}

#[cfg(test)]
mod tests {
    use super::{affine, dot};

    #[test]
    fn dot_sums_every_product() {
        for n in [0usize, 1, 7, 8, 9, 23, 64] {
            let a: Vec<f32> = (0..n).map(|i| i as f32 * 0.5).collect();
            let b: Vec<f32> = (0..n).map(|i| 2.0 - i as f32 * 0.25).collect();
            let want: f64 = a
                .iter()
                .zip(&b)
                .map(|(x, y)| (*x as f64) * (*y as f64))
                .sum();
            assert!(
                (dot(&a, &b) as f64 - want).abs() < 1e-3 * (1.0 + want.abs()),
                "n {n}"
            );
        }
    }

    /// The summation order `dot` documents, written out one row at a time.
    fn dot_in_documented_order(a: &[f32], b: &[f32]) -> f32 {
        let mut acc = [0.0f32; 8];
        for (i, (x, y)) in a.iter().zip(b).enumerate() {
            acc[i % 8] += x * y;
        }
        ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
    }

    #[test]
    fn affine_sums_in_the_documented_order() {
        // Every row must sum in the documented order exactly (native and wasm give the same
        // bits only if they do), whatever the lengths' remainders.
        for (n_out, n_in) in [(1usize, 5usize), (4, 8), (7, 13), (9, 66), (12, 3)] {
            let w: Vec<f32> = (0..n_out * n_in)
                .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
                .collect();
            let x: Vec<f32> = (0..n_in)
                .map(|i| ((i * 53 % 89) as f32 - 44.0) / 3.0)
                .collect();
            let bias: Vec<f32> = (0..n_out).map(|o| o as f32 * 0.1).collect();
            let mut out = vec![0.0; n_out];
            affine(&w, &bias, &x, &mut out);
            for o in 0..n_out {
                let want = bias[o] + dot_in_documented_order(&w[o * n_in..(o + 1) * n_in], &x);
                assert_eq!(out[o].to_bits(), want.to_bits(), "{n_out}x{n_in} row {o}");
            }
        }
    }

    #[test]
    fn affine_is_rows_times_input_plus_bias() {
        let w = [1.0, 2.0, 3.0, -1.0, 0.0, 0.5];
        let mut out = [0.0; 2];
        affine(&w, &[0.5, -0.5], &[1.0, 1.0, 2.0], &mut out);
        assert_eq!(out, [0.5 + 1.0 + 2.0 + 6.0, -0.5 - 1.0 + 0.0 + 1.0]);
    }
}
