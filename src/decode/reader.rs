//! [`AudioReader`]: a file decoded block by block, to mono or per channel, and
//! [`read_mono`], a whole file at once.

use super::open::{decode_error, io_error, open_source, probe_track};
use crate::audio::downmix_interleaved;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::Cursor;
use std::path::Path;
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{
    Decoder, DecoderOptions, CODEC_TYPE_ADPCM_IMA_WAV, CODEC_TYPE_ADPCM_MS,
};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::FormatReader;
use symphonia::core::io::MediaSource;
use symphonia::core::probe::Hint;

/// A decoder that yields mono `f32` blocks.
pub struct AudioReader {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    sample_rate: u32,
    channels: usize,
    interleaved: Option<SampleBuffer<f32>>,
    /// Frames in the track when the container says (a WAV's `data` length, FLAC
    /// STREAMINFO, an MP3 Xing/Info header, the last Ogg page's granule position).
    frames: Option<u64>,
    /// symphonia's short codec name ("mp3", "flac", "vorbis", "pcm_s16le", ...).
    codec: &'static str,
    /// Number of decode errors skipped (corrupt packets).
    skipped_packets: usize,
    /// What the header check found that the caller should know (a truncated WAV).
    header_warning: Option<String>,
}

impl std::fmt::Debug for AudioReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioReader")
            .field("sample_rate", &self.sample_rate)
            .field("channels", &self.channels)
            .finish()
    }
}

impl AudioReader {
    /// Opens a file, guessing the format from its contents and extension.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be opened (missing, a directory, no permission);
    /// [`Error::Decode`] when it is not a supported audio file.
    pub fn open(path: &Path) -> Result<Self> {
        let meta = std::fs::metadata(path).map_err(|e| io_error(&e))?;
        if meta.is_dir() {
            return Err(Error::Io("is a directory".into()));
        }
        let file = File::open(path).map_err(|e| io_error(&e))?;
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        Self::from_source(file, hint)
    }

    /// Decodes from an in-memory file (the page's worker, the fuzz target, tests): a
    /// `Vec<u8>`, or an `Arc<[u8]>` that several readers share.
    ///
    /// # Errors
    /// [`Error::Decode`] when the bytes are not a supported audio file.
    pub fn from_bytes<B: AsRef<[u8]> + Send + Sync + 'static>(bytes: B) -> Result<Self> {
        Self::from_source(Cursor::new(bytes), Hint::new())
    }

    fn from_source<S: MediaSource + 'static>(source: S, hint: Hint) -> Result<Self> {
        let (mut reader, header_warning) = open_source(source, hint, Self::probe)?;
        reader.header_warning = header_warning;
        Ok(reader)
    }

    fn probe(source: Box<dyn MediaSource>, hint: Hint) -> Result<Self> {
        let (format, track_id, params) = probe_track(source, hint)?;
        let sample_rate = params
            .sample_rate
            .ok_or_else(|| Error::Decode("unknown sample rate".into()))?;
        let channels = params.channels.map(|c| c.count()).unwrap_or(1).max(1);
        // symphonia 0.5's ADPCM decoder handles one or two channels and panics
        // (`unreachable!`) on a packet of any other count.
        if matches!(params.codec, CODEC_TYPE_ADPCM_MS | CODEC_TYPE_ADPCM_IMA_WAV) {
            let n = params
                .channels
                .or_else(|| params.channel_layout.map(|l| l.into_channels()))
                .map_or(0, |c| c.count());
            if !(1..=2).contains(&n) {
                return Err(Error::Decode(format!(
                    "unsupported ADPCM file: {n} channels (1 or 2 supported)"
                )));
            }
            // Its IMA stereo decoder works in 8-byte groups per channel and indexes past
            // the block unless a block holds 8k + 1 frames (as every valid block does).
            if params.codec == CODEC_TYPE_ADPCM_IMA_WAV && n == 2 {
                let frames = params.frames_per_block.unwrap_or(0);
                if frames % 8 != 1 {
                    return Err(Error::Decode(format!(
                        "invalid IMA ADPCM header: {frames} frames per block \
                         (a stereo block holds 8k + 1)"
                    )));
                }
            }
        }
        let codecs = symphonia::default::get_codecs();
        let decoder = codecs
            .make(&params, &DecoderOptions::default())
            .map_err(decode_error)?;
        let codec = codecs
            .get_codec(params.codec)
            .map_or("unknown", |d| d.short_name);
        Ok(AudioReader {
            track_id,
            format,
            decoder,
            sample_rate,
            channels,
            frames: params.n_frames,
            codec,
            interleaved: None,
            skipped_packets: 0,
            header_warning: None,
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

    /// Frames in the file when its container says, before decoding; `None` when only
    /// reading it through tells ([`AudioReader::count_frames`]). Decoding may yield a few
    /// frames more or less (encoder delay, a cut last packet).
    pub fn frames(&self) -> Option<u64> {
        self.frames
    }

    /// symphonia's short name of the codec ("mp3", "flac", "vorbis", "pcm_s16le", ...).
    pub fn codec(&self) -> &'static str {
        self.codec
    }

    /// Reads the rest of the file packet by packet without decoding and adds up the packets'
    /// durations: the frame count of a file whose container does not say (an MP3 without a
    /// Xing header), at a small fraction of the cost of decoding it. Consumes the reader.
    pub fn count_frames(mut self) -> u64 {
        let mut frames = 0u64;
        while let Ok(packet) = self.format.next_packet() {
            if packet.track_id() == self.track_id {
                frames = frames.saturating_add(packet.dur);
            }
        }
        frames
    }

    /// Corrupt packets skipped so far.
    pub fn skipped_packets(&self) -> usize {
        self.skipped_packets
    }

    /// What a user should know about the file so far, one line each: a WAV header that
    /// claims more audio than the file holds (decoded up to the end of the file), and
    /// corrupt packets skipped. Complete once [`AudioReader::next_block`] returned `false`.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self.header_warning.iter().cloned().collect();
        if self.skipped_packets > 0 {
            out.push(format!(
                "skipped {} corrupt packet(s) of audio",
                self.skipped_packets
            ));
        }
        out
    }

    /// Appends the next decoded block (mono) to `out`. Returns `Ok(false)` at the end.
    ///
    /// # Errors
    /// [`Error::Decode`] when the stream is broken beyond a skippable packet.
    pub fn next_block(&mut self, out: &mut Vec<f32>) -> Result<bool> {
        match self.next_interleaved()? {
            Some((samples, channels)) => {
                downmix_interleaved(samples, channels, out);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Appends the next decoded block to `out`, one `Vec` per channel of the file
    /// ([`AudioReader::channels`]; a block with fewer channels, as a chained Ogg stream can
    /// have, repeats them). Returns `Ok(false)` at the end.
    ///
    /// # Errors
    /// [`Error::Decode`] when the stream is broken beyond a skippable packet, or `out` does
    /// not have one `Vec` per channel.
    pub fn next_block_channels(&mut self, out: &mut [Vec<f32>]) -> Result<bool> {
        if out.len() != self.channels {
            return Err(Error::Decode(format!(
                "{} output channels for a file of {}",
                out.len(),
                self.channels
            )));
        }
        let Some((samples, from)) = self.next_interleaved()? else {
            return Ok(false);
        };
        for (c, channel) in out.iter_mut().enumerate() {
            channel.extend(samples.iter().skip(c % from).step_by(from));
        }
        Ok(true)
    }

    /// The next decoded packet as interleaved samples and its channel count; `None` at the
    /// end. Corrupt packets are skipped (as players do) and counted.
    fn next_interleaved(&mut self) -> Result<Option<(&[f32], usize)>> {
        let channels = loop {
            let packet = match self.format.next_packet() {
                Ok(p) => p,
                Err(SymphoniaError::IoError(e))
                    if e.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    return Ok(None)
                }
                Err(SymphoniaError::ResetRequired) => return Ok(None),
                Err(e) => return Err(decode_error(e)),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            match self.decoder.decode(&packet) {
                Ok(decoded) => {
                    let spec = *decoded.spec();
                    let channels = spec.channels.count().max(1);
                    let frames = decoded.capacity() as u64;
                    let buf = match &mut self.interleaved {
                        Some(b) if b.capacity() >= decoded.capacity() * channels => b,
                        slot => slot.insert(SampleBuffer::new(frames, spec)),
                    };
                    buf.copy_interleaved_ref(decoded);
                    break channels;
                }
                Err(SymphoniaError::DecodeError(_)) => {
                    self.skipped_packets += 1;
                    if self.skipped_packets > 1000 {
                        return Err(Error::Decode("too many corrupt packets".into()));
                    }
                }
                Err(e) => return Err(decode_error(e)),
            }
        };
        Ok(self.interleaved.as_ref().map(|b| (b.samples(), channels)))
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

#[cfg(test)]
mod tests {
    use super::super::test_wav::decode_all;

    #[test]
    fn adpcm_with_three_channels_is_an_error_not_a_panic() {
        // Found by the `decode` fuzz target: symphonia's ADPCM decoder reached
        // `unreachable!()` on the first packet of a 3-channel file.
        let mut b = Vec::new();
        b.extend_from_slice(b"RIFF");
        b.extend_from_slice(&(4u32 + 28 + 8 + 48).to_le_bytes());
        b.extend_from_slice(b"WAVEfmt ");
        b.extend_from_slice(&20u32.to_le_bytes());
        b.extend_from_slice(&0x0011u16.to_le_bytes()); // IMA ADPCM
        b.extend_from_slice(&3u16.to_le_bytes()); // channels
        b.extend_from_slice(&8000u32.to_le_bytes());
        b.extend_from_slice(&12000u32.to_le_bytes());
        b.extend_from_slice(&24u16.to_le_bytes()); // block align: 3 x (4 + 4)
        b.extend_from_slice(&4u16.to_le_bytes()); // bits
        b.extend_from_slice(&2u16.to_le_bytes()); // extra size
        b.extend_from_slice(&9u16.to_le_bytes()); // frames per block
        b.extend_from_slice(b"data");
        b.extend_from_slice(&48u32.to_le_bytes());
        b.extend_from_slice(&[0x11; 48]);
        let e = decode_all(b).unwrap_err().to_string();
        assert!(e.contains("ADPCM") && e.contains("3 channels"), "{e}");
    }

    #[test]
    fn ima_stereo_blocks_of_other_than_8k_plus_1_frames_are_an_error_not_a_panic() {
        // Found by the `decode` fuzz target: symphonia's IMA ADPCM stereo decoder indexed
        // past the block (a block align of 20 bytes gives 13 frames per block).
        let ima = |block_align: u16| {
            let mut b = Vec::new();
            b.extend_from_slice(b"RIFF");
            b.extend_from_slice(&(4u32 + 28 + 8 + 80).to_le_bytes());
            b.extend_from_slice(b"WAVEfmt ");
            b.extend_from_slice(&20u32.to_le_bytes());
            b.extend_from_slice(&0x0011u16.to_le_bytes());
            b.extend_from_slice(&2u16.to_le_bytes());
            b.extend_from_slice(&8000u32.to_le_bytes());
            b.extend_from_slice(&8000u32.to_le_bytes());
            b.extend_from_slice(&block_align.to_le_bytes());
            b.extend_from_slice(&4u16.to_le_bytes());
            b.extend_from_slice(&2u16.to_le_bytes());
            b.extend_from_slice(&(block_align - 7).to_le_bytes());
            b.extend_from_slice(b"data");
            b.extend_from_slice(&80u32.to_le_bytes());
            b.extend_from_slice(&[0x17; 80]);
            decode_all(b)
        };
        let e = ima(20).unwrap_err().to_string();
        assert!(e.contains("13 frames per block"), "{e}");
        // A valid block (8 + 8k bytes) still decodes: 5 blocks of 9 frames.
        assert_eq!(ima(16).unwrap().0, 45);
    }
}
