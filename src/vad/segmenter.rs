//! Speech probabilities -> segments: a hysteresis state machine.
//!
//! Frame `i` covers `[i dt, (i + 1) dt)`. Speech starts at the first frame whose probability
//! reaches `threshold` and continues until the probability has stayed below `off_threshold`
//! for `min_silence` (the segment ends where that silence began). Segments shorter than
//! `min_speech` are dropped; kept ones are widened by `pad_before` / `pad_after` (clamped to
//! the signal) and merged when the padding makes them touch. A closed segment is held back
//! until the next one cannot merge with it, so every segment is emitted exactly once, final.

use super::VadConfig;
use crate::segment::Segment;

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Silence,
    /// In speech since frame `start`, with the probability sum and count of its frames.
    /// `silent_since` marks the current run below the off threshold, if any: its first frame
    /// and the sum and count before it (a closed segment excludes that run).
    Speech {
        start: usize,
        silent_since: Option<(usize, f64, usize)>,
        sum: f64,
        count: usize,
    },
}

/// The streaming segmenter.
#[derive(Debug, Clone)]
pub struct Segmenter {
    threshold: f32,
    off_threshold: f32,
    min_speech: usize,
    min_silence: usize,
    pad_before: usize,
    pad_after: usize,
    frame_seconds: f64,
    state: State,
    frame: usize,
    /// Closed segment not yet emitted, in frames `[start, end)` (padded), with its
    /// probability sum and count.
    held: Option<(usize, usize, f64, usize)>,
}

impl Segmenter {
    /// A segmenter for frames of `frame_seconds` with the thresholds and durations of
    /// `config` (already validated).
    pub fn new(config: &VadConfig, frame_seconds: f64) -> Self {
        let frames = |ms: f64| (ms / 1000.0 / frame_seconds).round() as usize;
        Segmenter {
            threshold: config.threshold,
            off_threshold: config.off_threshold(),
            min_speech: frames(config.min_speech_ms).max(1),
            min_silence: frames(config.min_silence_ms).max(1),
            pad_before: frames(config.pad_before_ms),
            pad_after: frames(config.pad_after_ms),
            frame_seconds,
            state: State::Silence,
            frame: 0,
            held: None,
        }
    }

    /// Frames consumed so far.
    pub fn frames(&self) -> usize {
        self.frame
    }

    /// The first frame that a segment not emitted yet (held, open, or starting at the next
    /// frame and padded back) may still cover: frames before it are outside every future
    /// segment.
    pub fn first_open_frame(&self) -> usize {
        let next = match self.state {
            State::Speech { start, .. } => start,
            State::Silence => self.frame,
        }
        .saturating_sub(self.pad_before);
        self.held.map_or(next, |h| h.0.min(next))
    }

    fn to_segment(&self, (start, end, sum, count): (usize, usize, f64, usize)) -> Segment {
        Segment {
            start: start as f64 * self.frame_seconds,
            end: end as f64 * self.frame_seconds,
            confidence: if count > 0 {
                (sum / count as f64) as f32
            } else {
                0.0
            },
        }
    }

    /// A speech run `[start, end)` has closed: pad it, merge it with the held one or emit
    /// the held one.
    fn close(&mut self, start: usize, end: usize, sum: f64, count: usize, out: &mut Vec<Segment>) {
        if end - start < self.min_speech {
            return;
        }
        let padded = (start.saturating_sub(self.pad_before), end + self.pad_after);
        match self.held.take() {
            Some(h) if padded.0 <= h.1 => {
                self.held = Some((h.0, padded.1.max(h.1), h.2 + sum, h.3 + count));
            }
            Some(h) => {
                out.push(self.to_segment(h));
                self.held = Some((padded.0, padded.1, sum, count));
            }
            None => self.held = Some((padded.0, padded.1, sum, count)),
        }
    }

    /// Emits the held segment once no later speech can merge with it.
    fn release_held(&mut self, out: &mut Vec<Segment>) {
        if let Some(h) = self.held {
            // A new run starting at frame f would be padded back to f - pad_before; it can
            // no longer touch the held segment once that is past the held end.
            let earliest_next_start = match self.state {
                State::Speech { start, .. } => start,
                State::Silence => self.frame,
            };
            if earliest_next_start.saturating_sub(self.pad_before) > h.1 {
                out.push(self.to_segment(h));
                self.held = None;
            }
        }
    }

    /// Consumes one frame's probability; appends any segment that became final.
    pub fn push(&mut self, p: f32, out: &mut Vec<Segment>) {
        let i = self.frame;
        self.frame += 1;
        self.state = match self.state {
            State::Silence if p >= self.threshold => State::Speech {
                start: i,
                silent_since: None,
                sum: p as f64,
                count: 1,
            },
            State::Silence => State::Silence,
            State::Speech {
                start,
                silent_since,
                sum,
                count,
            } => {
                if p >= self.off_threshold {
                    State::Speech {
                        start,
                        silent_since: None,
                        sum: sum + p as f64,
                        count: count + 1,
                    }
                } else {
                    let since = silent_since.unwrap_or((i, sum, count));
                    if i + 1 - since.0 >= self.min_silence {
                        self.close(start, since.0, since.1, since.2, out);
                        State::Silence
                    } else {
                        State::Speech {
                            start,
                            silent_since: Some(since),
                            sum: sum + p as f64,
                            count: count + 1,
                        }
                    }
                }
            }
        };
        self.release_held(out);
    }

    /// Ends the stream at `total_frames` (the signal length in frames): closes open speech
    /// and emits everything held, clamped to the signal.
    pub fn finish(&mut self, total_frames: usize, out: &mut Vec<Segment>) {
        if let State::Speech {
            start,
            silent_since,
            sum,
            count,
        } = self.state
        {
            let (end, sum, count) = silent_since.unwrap_or((self.frame, sum, count));
            self.close(start, end, sum, count, out);
        }
        self.state = State::Silence;
        if let Some(mut h) = self.held.take() {
            h.1 = h.1.min(total_frames.max(h.0));
            if h.1 > h.0 {
                out.push(self.to_segment(h));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(probs: &[f32], config: &VadConfig) -> Vec<(f64, f64)> {
        let mut s = Segmenter::new(config, 0.01);
        let mut out = Vec::new();
        for &p in probs {
            s.push(p, &mut out);
        }
        s.finish(probs.len(), &mut out);
        out.iter()
            .map(|x| ((x.start * 100.0).round(), (x.end * 100.0).round()))
            .collect()
    }

    fn bare() -> VadConfig {
        VadConfig {
            threshold: 0.5,
            off_threshold: Some(0.3),
            min_speech_ms: 50.0,
            min_silence_ms: 100.0,
            pad_before_ms: 0.0,
            pad_after_ms: 0.0,
        }
    }

    #[test]
    fn hysteresis_keeps_dips_above_the_off_threshold() {
        let mut p = vec![0.0; 100];
        p[10..20].fill(0.9);
        p[20..40].fill(0.4); // below on, above off: still speech
        p[40..50].fill(0.9);
        assert_eq!(run(&p, &bare()), vec![(10.0, 50.0)]);
    }

    #[test]
    fn short_pauses_merge_and_short_bursts_drop() {
        let mut p = vec![0.0; 200];
        p[10..30].fill(0.9);
        p[35..60].fill(0.9); // 5-frame pause < 10-frame min silence: merged
        p[100..103].fill(0.9); // 30 ms < 50 ms min speech: dropped
        p[150..170].fill(0.9);
        assert_eq!(run(&p, &bare()), vec![(10.0, 60.0), (150.0, 170.0)]);
    }

    #[test]
    fn padding_widens_merges_and_clamps() {
        let config = VadConfig {
            pad_before_ms: 50.0,
            pad_after_ms: 100.0,
            ..bare()
        };
        let mut p = vec![0.0; 100];
        p[2..20].fill(0.9);
        p[42..60].fill(0.9); // padded starts at 37 <= previous padded end 30? no: stays apart
        p[85..100].fill(0.9);
        assert_eq!(
            run(&p, &config),
            vec![(0.0, 30.0), (37.0, 70.0), (80.0, 100.0)]
        );
        let mut q = vec![0.0; 100];
        q[10..20].fill(0.9);
        q[33..45].fill(0.9); // padded 28..55 touches 5..30: merged
        assert_eq!(run(&q, &config), vec![(5.0, 55.0)]);
    }

    #[test]
    fn streaming_emits_each_segment_once_in_order() {
        let mut s = Segmenter::new(&bare(), 0.01);
        let mut out = Vec::new();
        let mut p = vec![0.0; 300];
        for k in 0..5 {
            p[k * 60 + 10..k * 60 + 30].fill(0.8);
        }
        let mut emitted_at = Vec::new();
        for (i, &x) in p.iter().enumerate() {
            let before = out.len();
            s.push(x, &mut out);
            if out.len() > before {
                emitted_at.push(i);
            }
        }
        s.finish(p.len(), &mut out);
        assert_eq!(out.len(), 5);
        assert!(out.windows(2).all(|w| w[0].end <= w[1].start));
        // Each is final as soon as its pause has lasted min_silence (10 frames).
        assert_eq!(emitted_at, vec![39, 99, 159, 219, 279]);
    }
}
