//! The voice activity chain every speech analysis runs ([`SpeechChain`]): the
//! [`FrontEnd`]'s log-mel frames -> the temporal model ([`crate::model`]) -> the hysteresis
//! [`Segmenter`] on its speech probability -> the end of the stream (the model flushed, the
//! open segment closed, the last one clamped to the input's duration). The detector and the
//! foreground/background analyser both own one, so that their speech segments agree to the
//! frame; what each does with a frame besides is its [`SpeechSink`].

use super::front_end::{FrameSink, FrontEnd};
use super::segmenter::Segmenter;
use super::{VadConfig, FRAME_SECONDS};
use crate::error::{Error, Result};
use crate::model::{TemporalModel, N_OUTPUTS};
use crate::nn::sigmoid;
use crate::segment::Segment;

/// Receives what the [`SpeechChain`] computes, frame by frame.
pub trait SpeechSink {
    /// Where the segments the segmenter closes are appended.
    fn segments(&mut self) -> &mut Vec<Segment>;
    /// One linear power frame (see [`FrameSink::power_frame`]). The default ignores it.
    fn power_frame(&mut self, _power: &[f32]) {}
    /// A frame's speech probability, after the segmenter has taken it.
    fn speech_frame(&mut self, p: f32, segmenter: &Segmenter);
}

/// Streaming front end, temporal model and segmenter, for input at one sample rate.
#[derive(Debug)]
pub struct SpeechChain {
    sample_rate_hz: f64,
    front: FrontEnd,
    model: TemporalModel,
    segmenter: Segmenter,
    finished: bool,
}

/// The chain's per-frame link: runs the model on a frame's mel powers and feeds every frame
/// it answers to the segmenter and the sink.
struct Link<'a, S> {
    model: &'a mut TemporalModel,
    segmenter: &'a mut Segmenter,
    sink: &'a mut S,
}

/// One frame of the model's output through the segmenter to the sink.
fn emit(segmenter: &mut Segmenter, sink: &mut impl SpeechSink, logits: &[f32; N_OUTPUTS]) {
    let p = sigmoid(logits[0]);
    segmenter.push(p, sink.segments());
    sink.speech_frame(p, segmenter);
}

impl<S: SpeechSink> FrameSink for Link<'_, S> {
    fn power_frame(&mut self, power: &[f32]) {
        self.sink.power_frame(power);
    }

    fn mel_frame(&mut self, mel: &[f32]) {
        let (segmenter, sink) = (&mut *self.segmenter, &mut *self.sink);
        self.model.push(mel, &mut |_, z| emit(segmenter, sink, z));
    }
}

impl SpeechChain {
    /// A chain for audio at `sample_rate_hz` (whole Hz in `8000..=384000`) segmenting with
    /// `config` (validated by the caller).
    ///
    /// # Errors
    /// [`Error::UnsupportedSampleRate`].
    pub fn new(sample_rate_hz: f64, config: &VadConfig) -> Result<Self> {
        Ok(SpeechChain {
            sample_rate_hz,
            front: FrontEnd::new(sample_rate_hz)?,
            model: TemporalModel::new(),
            segmenter: Segmenter::new(config, FRAME_SECONDS),
            finished: false,
        })
    }

    /// Whether [`SpeechChain::finish`] has been called.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Input duration so far, seconds.
    pub fn duration(&self) -> f64 {
        self.front.samples_received() as f64 / self.sample_rate_hz
    }

    /// Input samples that were NaN or infinite (treated as silence).
    pub fn non_finite_samples(&self) -> usize {
        self.front.non_finite_samples()
    }

    /// Probabilities emitted so far (frames).
    pub fn frames_emitted(&self) -> usize {
        self.segmenter.frames()
    }

    /// Pushes a block of samples (any length; NaN/Inf count as 0) through the chain.
    ///
    /// # Errors
    /// [`Error::InvalidState`] after [`SpeechChain::finish`].
    pub fn push(&mut self, samples: &[f32], sink: &mut impl SpeechSink) -> Result<()> {
        if self.finished {
            return Err(Error::InvalidState(
                "push after finish: the stream has ended; make a new one".into(),
            ));
        }
        let mut link = Link {
            model: &mut self.model,
            segmenter: &mut self.segmenter,
            sink,
        };
        self.front.push_to(samples, &mut link)
    }

    /// Ends the stream: flushes the resampler and the last frames, closes the open segment
    /// and clamps the last segment of `sink` to the input's duration.
    ///
    /// # Errors
    /// [`Error::InvalidState`] when called twice.
    pub fn finish(&mut self, sink: &mut impl SpeechSink) -> Result<()> {
        if self.finished {
            return Err(Error::InvalidState("finish called twice".into()));
        }
        self.finished = true;
        let mut link = Link {
            model: &mut self.model,
            segmenter: &mut self.segmenter,
            sink: &mut *sink,
        };
        self.front.finish_to(&mut link)?;
        let (segmenter, sink) = (&mut self.segmenter, &mut *sink);
        self.model.finish(&mut |_, z| emit(segmenter, sink, z));
        let duration = self.duration();
        let total_frames = (duration / FRAME_SECONDS).ceil() as usize;
        let segments = sink.segments();
        self.segmenter.finish(total_frames, segments);
        // The last segment may end inside the final partial frame: clamp to the duration.
        if let Some(last) = segments.last_mut() {
            last.end = last.end.min(duration);
        }
        Ok(())
    }
}
