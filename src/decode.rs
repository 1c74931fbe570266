//! Native audio file decoding (WAV, FLAC, MP3, Ogg/Vorbis) with symphonia, streamed block by
//! block and downmixed to mono by averaging the channels ([`crate::audio::downmix_interleaved`]),
//! so that a 3-hour file never has to be held in memory. The browser decodes with its own
//! decoder instead (`AudioContext.decodeAudioData`); this module is not built for wasm.

use crate::audio::downmix_interleaved;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::Cursor;
use std::path::Path;
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{Decoder, DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// A decoder that yields mono `f32` blocks.
pub struct AudioReader {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    sample_rate: u32,
    channels: usize,
    interleaved: Option<SampleBuffer<f32>>,
    /// Number of decode errors skipped (corrupt packets).
    skipped_packets: usize,
}

impl std::fmt::Debug for AudioReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioReader")
            .field("sample_rate", &self.sample_rate)
            .field("channels", &self.channels)
            .finish()
    }
}

fn decode_error(e: SymphoniaError) -> Error {
    match e {
        SymphoniaError::Unsupported(what) => Error::Decode(format!("unsupported format: {what}")),
        SymphoniaError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Decode("file is truncated or not audio".into())
        }
        other => Error::Decode(other.to_string()),
    }
}

impl AudioReader {
    /// Opens a file, guessing the format from its contents and extension.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be opened (missing, a directory, no permission);
    /// [`Error::Decode`] when it is not a supported audio file.
    pub fn open(path: &Path) -> Result<Self> {
        if path.is_dir() {
            return Err(Error::Io("is a directory".into()));
        }
        let file = File::open(path)?;
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        Self::from_source(Box::new(file), hint)
    }

    /// Decodes from an in-memory file (used by the fuzz target and tests).
    ///
    /// # Errors
    /// [`Error::Decode`] when the bytes are not a supported audio file.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self> {
        Self::from_source(Box::new(Cursor::new(bytes)), Hint::new())
    }

    fn from_source(source: Box<dyn MediaSource>, hint: Hint) -> Result<Self> {
        let stream = MediaSourceStream::new(source, Default::default());
        let probed = symphonia::default::get_probe()
            .format(
                &hint,
                stream,
                &FormatOptions::default(),
                &MetadataOptions::default(),
            )
            .map_err(decode_error)?;
        let format = probed.format;
        let track = format
            .tracks()
            .iter()
            .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
            .ok_or_else(|| Error::Decode("no audio track".into()))?;
        let params = track.codec_params.clone();
        let sample_rate = params
            .sample_rate
            .ok_or_else(|| Error::Decode("unknown sample rate".into()))?;
        let channels = params.channels.map(|c| c.count()).unwrap_or(1).max(1);
        let decoder = symphonia::default::get_codecs()
            .make(&params, &DecoderOptions::default())
            .map_err(decode_error)?;
        Ok(AudioReader {
            track_id: track.id,
            format,
            decoder,
            sample_rate,
            channels,
            interleaved: None,
            skipped_packets: 0,
        })
    }

    /// The file's sample rate in Hz.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// The file's channel count (before downmixing).
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Corrupt packets skipped so far.
    pub fn skipped_packets(&self) -> usize {
        self.skipped_packets
    }

    /// Appends the next decoded block (mono) to `out`. Returns `Ok(false)` at the end.
    ///
    /// # Errors
    /// [`Error::Decode`] when the stream is broken beyond a skippable packet.
    pub fn next_block(&mut self, out: &mut Vec<f32>) -> Result<bool> {
        loop {
            let packet = match self.format.next_packet() {
                Ok(p) => p,
                Err(SymphoniaError::IoError(e))
                    if e.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    return Ok(false)
                }
                Err(SymphoniaError::ResetRequired) => return Ok(false),
                Err(e) => return Err(decode_error(e)),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            match self.decoder.decode(&packet) {
                Ok(decoded) => {
                    let spec = *decoded.spec();
                    let frames = decoded.capacity() as u64;
                    let buf = match &mut self.interleaved {
                        Some(b) if b.capacity() >= decoded.capacity() * spec.channels.count() => b,
                        slot => slot.insert(SampleBuffer::new(frames, spec)),
                    };
                    buf.copy_interleaved_ref(decoded);
                    downmix_interleaved(buf.samples(), spec.channels.count(), out);
                    return Ok(true);
                }
                Err(SymphoniaError::DecodeError(_)) => {
                    // A corrupt packet: skip it, as players do, and count it.
                    self.skipped_packets += 1;
                    if self.skipped_packets > 1000 {
                        return Err(Error::Decode("too many corrupt packets".into()));
                    }
                }
                Err(e) => return Err(decode_error(e)),
            }
        }
    }
}

/// Decodes a whole file to mono samples and its sample rate.
///
/// # Errors
/// As [`AudioReader::open`] and [`AudioReader::next_block`].
pub fn read_mono(path: &Path) -> Result<(Vec<f32>, u32)> {
    let mut reader = AudioReader::open(path)?;
    let mut samples = Vec::new();
    while reader.next_block(&mut samples)? {}
    Ok((samples, reader.sample_rate()))
}
