//! Frame-level scoring of speech segments against a reference (the eval command).
//!
//! Conventions (issue #3): 10 ms frames over `[0, duration)`; frame `i` is active in a
//! segment list when its centre `(i + 0.5) * 0.01` s lies in some `[start, end)`; only
//! frames whose centre lies inside the UEM (when there is one) are scored; counts are pooled
//! over clips. Rates are over reference speech frames. The detection error rate follows
//! pyannote.metrics' `DetectionErrorRate`: `(false alarm + miss) / reference speech`, and
//! with a collar `c` the frames within `c / 2` of any reference boundary are not scored.

use serde::Serialize;

/// Scoring frame, seconds.
pub const EVAL_FRAME_SECONDS: f64 = 0.01;

/// A time interval `[start, end)`, seconds.
pub type Interval = (f64, f64);

/// Number of scoring frames in `duration` seconds (frames whose centre is inside).
pub fn frame_count(duration: f64) -> usize {
    ((duration / EVAL_FRAME_SECONDS) - 0.5).ceil().max(0.0) as usize
}

/// Per-frame activity of a segment list (`true` where a frame centre is inside).
pub fn frame_mask(segments: &[Interval], frames: usize) -> Vec<bool> {
    let mut mask = vec![false; frames];
    for &(start, end) in segments {
        // Frames with start <= (i + 0.5) dt < end.
        let first = ((start / EVAL_FRAME_SECONDS) - 0.5).ceil().max(0.0) as usize;
        let last = ((end / EVAL_FRAME_SECONDS) - 0.5).ceil().max(0.0) as usize;
        for m in mask.iter_mut().take(last.min(frames)).skip(first) {
            *m = true;
        }
    }
    mask
}

/// Frames to score: inside the UEM (all when `uem` is `None`) and, with a collar, not within
/// `collar / 2` of a reference boundary.
pub fn scored_mask(
    frames: usize,
    uem: Option<&[Interval]>,
    reference: &[Interval],
    collar: f64,
) -> Vec<bool> {
    let mut mask = match uem {
        Some(u) => frame_mask(u, frames),
        None => vec![true; frames],
    };
    if collar > 0.0 {
        let half = collar / 2.0;
        let mut around = Vec::with_capacity(reference.len() * 2);
        for &(s, e) in reference {
            around.push((s - half, s + half));
            around.push((e - half, e + half));
        }
        for (m, near) in mask.iter_mut().zip(frame_mask(&around, frames)) {
            if near {
                *m = false;
            }
        }
    }
    mask
}

/// Confusion counts of binary frame decisions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    /// Reference speech, hypothesis speech.
    pub tp: u64,
    /// Reference non-speech, hypothesis speech.
    pub fp: u64,
    /// Reference speech, hypothesis non-speech.
    pub fn_: u64,
    /// Reference non-speech, hypothesis non-speech.
    pub tn: u64,
}

impl Counts {
    /// Counts over the frames where `scored` is true.
    pub fn of(reference: &[bool], hypothesis: &[bool], scored: &[bool]) -> Counts {
        let mut c = Counts::default();
        for ((&r, &h), &s) in reference.iter().zip(hypothesis).zip(scored) {
            if !s {
                continue;
            }
            match (r, h) {
                (true, true) => c.tp += 1,
                (false, true) => c.fp += 1,
                (true, false) => c.fn_ += 1,
                (false, false) => c.tn += 1,
            }
        }
        c
    }

    /// Adds another clip's counts.
    pub fn add(&mut self, o: &Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.tn += o.tn;
    }

    fn ratio(a: u64, b: u64) -> f64 {
        if b == 0 {
            f64::NAN
        } else {
            a as f64 / b as f64
        }
    }

    /// Precision of speech.
    pub fn precision(&self) -> f64 {
        Self::ratio(self.tp, self.tp + self.fp)
    }
    /// Recall of speech.
    pub fn recall(&self) -> f64 {
        Self::ratio(self.tp, self.tp + self.fn_)
    }
    /// F1 of speech.
    pub fn f1(&self) -> f64 {
        Self::ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn_)
    }
    /// False alarms over reference speech frames.
    pub fn false_alarm_rate(&self) -> f64 {
        Self::ratio(self.fp, self.tp + self.fn_)
    }
    /// Misses over reference speech frames.
    pub fn miss_rate(&self) -> f64 {
        Self::ratio(self.fn_, self.tp + self.fn_)
    }
    /// Detection error rate: (false alarm + miss) / reference speech.
    pub fn detection_error_rate(&self) -> f64 {
        Self::ratio(self.fp + self.fn_, self.tp + self.fn_)
    }
    /// Share of scored frames the hypothesis marks speech.
    pub fn speech_share(&self) -> f64 {
        Self::ratio(self.tp + self.fp, self.tp + self.fp + self.fn_ + self.tn)
    }
}

/// Scores of one system on one clip (or pooled): counts without collar and with 0.25 s.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct VadScore {
    /// Counts with no collar.
    pub counts: Counts,
    /// Counts with the 0.25 s collar.
    pub counts_collar: Counts,
}

impl VadScore {
    /// Scores `hypothesis` against `reference` over `duration` seconds.
    pub fn of(
        reference: &[Interval],
        hypothesis: &[Interval],
        uem: Option<&[Interval]>,
        duration: f64,
    ) -> VadScore {
        let frames = frame_count(duration);
        let r = frame_mask(reference, frames);
        let h = frame_mask(hypothesis, frames);
        VadScore {
            counts: Counts::of(&r, &h, &scored_mask(frames, uem, reference, 0.0)),
            counts_collar: Counts::of(&r, &h, &scored_mask(frames, uem, reference, 0.25)),
        }
    }

    /// Adds another score.
    pub fn add(&mut self, o: &VadScore) {
        self.counts.add(&o.counts);
        self.counts_collar.add(&o.counts_collar);
    }
}

/// Parses RTTM `SPEAKER` lines into `(speaker, start, end)`.
pub fn parse_rttm(text: &str) -> Vec<(String, f64, f64)> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 8 || f[0] != "SPEAKER" {
                return None;
            }
            let start: f64 = f[3].parse().ok()?;
            let dur: f64 = f[4].parse().ok()?;
            Some((f[7].to_string(), start, start + dur))
        })
        .collect()
}

/// Parses UEM lines `<file> <channel> <start> <end>`.
pub fn parse_uem(text: &str) -> Vec<Interval> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 4 {
                return None;
            }
            Some((f[2].parse().ok()?, f[3].parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_convention_uses_centres() {
        assert_eq!(frame_count(30.0), 3000);
        assert_eq!(frame_count(0.004), 0);
        assert_eq!(frame_count(0.006), 1);
        // [0.10, 0.20): centres 0.105 .. 0.195 -> frames 10..=19
        let m = frame_mask(&[(0.10, 0.20)], 30);
        assert_eq!(m.iter().filter(|&&x| x).count(), 10);
        assert!(m[10] && m[19] && !m[9] && !m[20]);
    }

    #[test]
    fn counts_and_rates() {
        let reference = [(1.0, 2.0)];
        let hypothesis = [(1.5, 2.5)];
        let s = VadScore::of(&reference, &hypothesis, None, 3.0);
        assert_eq!(
            s.counts,
            Counts {
                tp: 50,
                fp: 50,
                fn_: 50,
                tn: 150
            }
        );
        assert!((s.counts.f1() - 0.5).abs() < 1e-12);
        assert!((s.counts.detection_error_rate() - 1.0).abs() < 1e-12);
        // The collar removes +-0.125 s around 1.0 and 2.0: 0.125 s (12-13 frames) of
        // reference speech inside each boundary.
        assert_eq!(s.counts_collar.tp + s.counts_collar.fn_, 100 - 25);
        let u = VadScore::of(&reference, &hypothesis, Some(&[(0.0, 1.6)]), 3.0);
        assert_eq!(
            u.counts,
            Counts {
                tp: 10,
                fp: 0,
                fn_: 50,
                tn: 100
            }
        );
    }

    #[test]
    fn rttm_and_uem() {
        let r = parse_rttm("SPEAKER f 1 1.50 2.25 <NA> <NA> spk <NA> <NA>\n;; comment\n");
        assert_eq!(r, vec![("spk".to_string(), 1.5, 3.75)]);
        assert_eq!(parse_uem("f 1 0.0 30.5\n"), vec![(0.0, 30.5)]);
    }
}
