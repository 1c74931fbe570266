//! Sample conversions shared by every front end.

/// Averages interleaved multichannel audio to mono: `mono[n] = mean_c x[n * channels + c]`.
/// Averaging (not summing) keeps a full-scale mono signal duplicated on every channel at full
/// scale, and cannot clip. A trailing partial frame is ignored. Only the file reader uses it.
#[cfg(feature = "decode")]
pub fn downmix_interleaved(interleaved: &[f32], channels: usize, out: &mut Vec<f32>) {
    if channels <= 1 {
        out.extend_from_slice(interleaved);
        return;
    }
    let scale = 1.0 / channels as f32;
    out.extend(
        interleaved
            .chunks_exact(channels)
            .map(|frame| frame.iter().sum::<f32>() * scale),
    );
}

/// Replaces NaN and infinite samples by 0 (silence) and returns how many were replaced, so
/// that a damaged buffer can be analysed and the damage reported.
pub fn sanitize(samples: &mut [f32]) -> usize {
    let mut replaced = 0;
    for x in samples.iter_mut() {
        if !x.is_finite() {
            *x = 0.0;
            replaced += 1;
        }
    }
    replaced
}

/// The warning a report carries when `count` input samples were NaN or infinite (and were
/// analysed as silence, see [`sanitize`]); `None` for a clean input.
pub fn non_finite_warning(count: usize) -> Option<String> {
    (count > 0).then(|| format!("{count} samples were NaN or infinite and were treated as silence"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "decode")]
    fn downmix_averages() {
        let mut out = Vec::new();
        downmix_interleaved(&[1.0, 0.0, 0.5, 0.5, 1.0], 2, &mut out);
        assert_eq!(out, vec![0.5, 0.5]);
    }

    #[test]
    fn sanitize_counts() {
        let mut x = [0.1, f32::NAN, f32::INFINITY, -0.2];
        assert_eq!(sanitize(&mut x), 2);
        assert_eq!(x, [0.1, 0.0, 0.0, -0.2]);
    }
}
