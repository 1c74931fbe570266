//! Frame-level scoring of speech segments against a reference (the eval command).
//!
//! Conventions: 10 ms frames over `[0, duration)`; frame `i` is active in a
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

    pub(crate) fn ratio(a: u64, b: u64) -> f64 {
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

/// Frame class for foreground/background scoring: 0 none, 1 foreground, 2 background.
pub type FrameClass = u8;
/// No speech.
pub const NONE: FrameClass = 0;
/// Foreground speech (also where background overlaps it).
pub const FOREGROUND: FrameClass = 1;
/// Background speech only.
pub const BACKGROUND: FrameClass = 2;

/// Per-frame class of a labelled segment list: foreground where a foreground
/// segment covers the frame centre, else background where a background one does, else none.
pub fn class_frames(
    foreground: &[Interval],
    background: &[Interval],
    frames: usize,
) -> Vec<FrameClass> {
    let f = frame_mask(foreground, frames);
    let b = frame_mask(background, frames);
    f.iter()
        .zip(&b)
        .map(|(&f, &b)| {
            if f {
                FOREGROUND
            } else if b {
                BACKGROUND
            } else {
                NONE
            }
        })
        .collect()
}

/// Confusion counts for foreground/background labels, pooled over frames (and clips).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LabelCounts {
    /// `[reference class][hypothesis class]` frame counts (classes none, fg, bg).
    pub confusion: [[u64; 3]; 3],
    /// Reference frames with both foreground and background present.
    pub overlap_reference: u64,
    /// Of those, frames the hypothesis flags as overlap.
    pub overlap_hit: u64,
    /// Frames the hypothesis flags as overlap.
    pub overlap_flagged: u64,
    /// Foreground frames of clips without any reference background.
    pub clean_foreground: u64,
    /// Of those, frames labelled background.
    pub clean_foreground_as_background: u64,
}

impl LabelCounts {
    /// Counts one clip. `reference_overlap` and `hypothesis_overlap` mark frames where both
    /// classes are present.
    pub fn of(
        reference: &[FrameClass],
        hypothesis: &[FrameClass],
        reference_overlap: &[bool],
        hypothesis_overlap: &[bool],
        has_background: bool,
    ) -> LabelCounts {
        let mut c = LabelCounts::default();
        for i in 0..reference.len() {
            let (r, h) = (reference[i], hypothesis[i]);
            c.confusion[r as usize][h as usize] += 1;
            let (ro, ho) = (reference_overlap[i], hypothesis_overlap[i]);
            c.overlap_reference += ro as u64;
            c.overlap_flagged += ho as u64;
            c.overlap_hit += (ro && ho) as u64;
            if !has_background && r == FOREGROUND {
                c.clean_foreground += 1;
                c.clean_foreground_as_background += (h == BACKGROUND) as u64;
            }
        }
        c
    }

    /// Adds another clip's counts.
    pub fn add(&mut self, o: &LabelCounts) {
        for r in 0..3 {
            for h in 0..3 {
                self.confusion[r][h] += o.confusion[r][h];
            }
        }
        self.overlap_reference += o.overlap_reference;
        self.overlap_hit += o.overlap_hit;
        self.overlap_flagged += o.overlap_flagged;
        self.clean_foreground += o.clean_foreground;
        self.clean_foreground_as_background += o.clean_foreground_as_background;
    }

    fn row(&self, r: FrameClass) -> u64 {
        self.confusion[r as usize].iter().sum()
    }

    /// Share of reference-foreground frames labelled foreground.
    pub fn foreground_recall(&self) -> f64 {
        Counts::ratio(self.confusion[1][1], self.row(FOREGROUND))
    }
    /// Share of reference-background frames labelled background.
    pub fn background_recall(&self) -> f64 {
        Counts::ratio(self.confusion[2][2], self.row(BACKGROUND))
    }
    /// Share of frames labelled background whose reference class is background.
    pub fn background_precision(&self) -> f64 {
        let labelled: u64 = (0..3).map(|r| self.confusion[r][2]).sum();
        Counts::ratio(self.confusion[2][2], labelled)
    }
    /// Share of reference non-speech frames labelled background.
    pub fn false_background_on_silence(&self) -> f64 {
        Counts::ratio(self.confusion[0][2], self.row(NONE))
    }
    /// Share of reference speech frames carrying their reference label.
    pub fn label_accuracy(&self) -> f64 {
        Counts::ratio(
            self.confusion[1][1] + self.confusion[2][2],
            self.row(FOREGROUND) + self.row(BACKGROUND),
        )
    }
    /// Share of reference overlap frames flagged as overlap.
    pub fn overlap_recall(&self) -> f64 {
        Counts::ratio(self.overlap_hit, self.overlap_reference)
    }
    /// Share of flagged overlap frames that are reference overlap.
    pub fn overlap_precision(&self) -> f64 {
        Counts::ratio(self.overlap_hit, self.overlap_flagged)
    }
    /// In clips without background: share of foreground frames labelled background.
    pub fn clean_foreground_as_background_rate(&self) -> f64 {
        Counts::ratio(self.clean_foreground_as_background, self.clean_foreground)
    }
    /// Reference speech frames.
    pub fn speech_frames(&self) -> u64 {
        self.row(FOREGROUND) + self.row(BACKGROUND)
    }
}

/// Reliability of segment confidences: 10 equal-width bins; a segment is right when most of
/// its frames carry its label in the reference.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Calibration {
    /// Per bin: segments, sum of confidences, segments right.
    pub bins: [(u64, f64, u64); 10],
}

impl Calibration {
    /// Adds one segment.
    pub fn add_segment(&mut self, confidence: f64, right: bool) {
        let b = ((confidence * 10.0).floor() as usize).min(9);
        self.bins[b].0 += 1;
        self.bins[b].1 += confidence;
        self.bins[b].2 += right as u64;
    }

    /// Adds another calibration's bins.
    pub fn add(&mut self, o: &Calibration) {
        for (a, b) in self.bins.iter_mut().zip(&o.bins) {
            a.0 += b.0;
            a.1 += b.1;
            a.2 += b.2;
        }
    }

    /// Segments counted.
    pub fn segments(&self) -> u64 {
        self.bins.iter().map(|b| b.0).sum()
    }

    /// Expected calibration error: `sum_b n_b / N |accuracy_b - mean confidence_b|`.
    pub fn expected_calibration_error(&self) -> f64 {
        let n = self.segments();
        if n == 0 {
            return f64::NAN;
        }
        self.bins
            .iter()
            .filter(|b| b.0 > 0)
            .map(|&(k, conf, right)| {
                (k as f64 / n as f64) * (right as f64 / k as f64 - conf / k as f64).abs()
            })
            .sum()
    }
}

/// How well a per-frame score separates background-only speech frames (positives) from
/// foreground speech frames (negatives): the area under the ROC curve, from histograms of
/// the score in `[-1, 1]` (2,000 bins of 0.001), so that clips and conditions pool by adding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Discrimination {
    /// Per bin: positives, negatives.
    pub bins: Vec<(u64, u64)>,
}

impl Default for Discrimination {
    fn default() -> Self {
        Discrimination {
            bins: vec![(0, 0); Self::BINS],
        }
    }
}

impl Discrimination {
    const BINS: usize = 2000;

    /// Adds one frame's score (clamped to `[-1, 1]`; NaN is left out).
    pub fn add_frame(&mut self, score: f64, positive: bool) {
        if score.is_nan() {
            return;
        }
        let b = (((score.clamp(-1.0, 1.0) + 1.0) / 2.0 * Self::BINS as f64) as usize)
            .min(Self::BINS - 1);
        if positive {
            self.bins[b].0 += 1;
        } else {
            self.bins[b].1 += 1;
        }
    }

    /// Adds another histogram.
    pub fn add(&mut self, o: &Discrimination) {
        for (a, b) in self.bins.iter_mut().zip(&o.bins) {
            a.0 += b.0;
            a.1 += b.1;
        }
    }

    /// `P(score of a positive > score of a negative)`, ties (same bin) counted half; NaN
    /// without both classes.
    pub fn auroc(&self) -> f64 {
        let (pos, neg): (u64, u64) = self
            .bins
            .iter()
            .fold((0, 0), |(p, n), b| (p + b.0, n + b.1));
        if pos == 0 || neg == 0 {
            return f64::NAN;
        }
        let (mut below, mut wins) = (0u64, 0f64);
        for &(p, n) in &self.bins {
            wins += p as f64 * (below as f64 + 0.5 * n as f64);
            below += n;
        }
        wins / (pos as f64 * neg as f64)
    }
}

/// Whether a hypothesis segment `[start, end)` labelled `class` is right: most of its
/// frames carry `class` in the reference.
pub fn segment_is_right(reference: &[FrameClass], start: f64, end: f64, class: FrameClass) -> bool {
    let mask = frame_mask(&[(start, end)], reference.len());
    let (mut n, mut hit) = (0u64, 0u64);
    for (r, m) in reference.iter().zip(mask) {
        if m {
            n += 1;
            hit += (*r == class) as u64;
        }
    }
    n > 0 && 2 * hit > n
}

/// Parses RTTM `SPEAKER` lines into `(speaker, start, end)`.
pub fn parse_rttm(text: &str) -> Vec<(String, f64, f64)> {
    parse_rttm_files(text)
        .into_iter()
        .map(|(_, speaker, start, end)| (speaker, start, end))
        .collect()
}

/// Parses RTTM `SPEAKER` lines into `(file id, speaker, start, end)`: a combined RTTM of
/// many files, as pyannote.database and dscore read it.
pub fn parse_rttm_files(text: &str) -> Vec<(String, String, f64, f64)> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 8 || f[0] != "SPEAKER" {
                return None;
            }
            let start: f64 = f[3].parse().ok()?;
            let dur: f64 = f[4].parse().ok()?;
            Some((f[1].to_string(), f[7].to_string(), start, start + dur))
        })
        .collect()
}

/// Parses UEM lines `<file> <channel> <start> <end>`.
pub fn parse_uem(text: &str) -> Vec<Interval> {
    parse_uem_files(text)
        .into_iter()
        .map(|(_, start, end)| (start, end))
        .collect()
}

/// Parses UEM lines into `(file id, start, end)`: a combined UEM of many files.
pub fn parse_uem_files(text: &str) -> Vec<(String, f64, f64)> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 4 {
                return None;
            }
            Some((f[0].to_string(), f[2].parse().ok()?, f[3].parse().ok()?))
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
        let both =
            "SPEAKER a 1 0.5 1 <NA> <NA> fg <NA> <NA>\nSPEAKER b 1 2 0.25 <NA> <NA> bg <NA> <NA>\n";
        assert_eq!(
            parse_rttm_files(both),
            vec![
                ("a".to_string(), "fg".to_string(), 0.5, 1.5),
                ("b".to_string(), "bg".to_string(), 2.0, 2.25)
            ]
        );
        assert_eq!(
            parse_uem_files("a 1 0 3\nb 1 1.5 2\n"),
            vec![("a".to_string(), 0.0, 3.0), ("b".to_string(), 1.5, 2.0)]
        );
    }

    #[test]
    fn auroc_of_separated_mixed_and_tied_scores() {
        let mut d = Discrimination::default();
        for i in 0..10 {
            d.add_frame(0.5 + i as f64 * 0.01, true);
            d.add_frame(-0.5 - i as f64 * 0.01, false);
        }
        assert_eq!(d.auroc(), 1.0);
        let mut tied = Discrimination::default();
        tied.add_frame(0.0, true);
        tied.add_frame(0.0, false);
        assert_eq!(tied.auroc(), 0.5);
        // One positive above one of two negatives (0.9 > -0.2, 0.9 < 1.0): 1 of 2 pairs.
        let mut m = Discrimination::default();
        m.add_frame(0.9, true);
        m.add_frame(-0.2, false);
        m.add_frame(1.0, false);
        assert!((m.auroc() - 0.5).abs() < 1e-12);
        m.add(&d);
        assert!(m.auroc() > 0.5 && m.auroc() < 1.0);
        assert!(Discrimination::default().auroc().is_nan());
    }

    #[test]
    fn label_counts_and_calibration() {
        let reference = class_frames(&[(0.0, 0.05)], &[(0.03, 0.08)], 10);
        assert_eq!(reference, vec![1, 1, 1, 1, 1, 2, 2, 2, 0, 0]);
        let hypothesis = vec![1, 1, 1, 2, 2, 2, 2, 0, 2, 0];
        let ro = vec![
            false, false, false, true, true, false, false, false, false, false,
        ];
        let ho = vec![
            false, false, true, true, false, false, false, false, false, false,
        ];
        let c = LabelCounts::of(&reference, &hypothesis, &ro, &ho, true);
        assert!((c.foreground_recall() - 0.6).abs() < 1e-9);
        assert!((c.background_recall() - 2.0 / 3.0).abs() < 1e-9);
        assert!((c.background_precision() - 2.0 / 5.0).abs() < 1e-9);
        assert!((c.false_background_on_silence() - 0.5).abs() < 1e-9);
        assert!((c.label_accuracy() - 5.0 / 8.0).abs() < 1e-9);
        assert!((c.overlap_recall() - 0.5).abs() < 1e-9);
        assert!((c.overlap_precision() - 0.5).abs() < 1e-9);
        assert!(c.clean_foreground_as_background_rate().is_nan());
        assert!(segment_is_right(&reference, 0.0, 0.04, FOREGROUND));
        assert!(!segment_is_right(&reference, 0.03, 0.08, FOREGROUND));
        let mut cal = Calibration::default();
        cal.add_segment(0.95, true);
        cal.add_segment(0.95, false);
        cal.add_segment(0.25, false);
        // Bin 9: accuracy 0.5 vs 0.95; bin 2: 0 vs 0.25.
        assert!(
            (cal.expected_calibration_error() - (2.0 / 3.0 * 0.45 + 1.0 / 3.0 * 0.25)).abs() < 1e-9
        );
    }
}
