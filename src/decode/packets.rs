//! [`PacketReader`]: a container read packet by packet without decoding, for the codecs the
//! browser decodes (Opus in Ogg), and [`EncodedPacket`], one packet with its times.

use super::open::{decode_error, open_source, probe_track};
use crate::error::Result;
use std::io::Cursor;
use symphonia::core::codecs::{
    CodecParameters, CODEC_TYPE_AAC, CODEC_TYPE_ALAC, CODEC_TYPE_FLAC, CODEC_TYPE_MP3,
    CODEC_TYPE_OPUS, CODEC_TYPE_VORBIS,
};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatReader, Packet};
use symphonia::core::probe::Hint;

/// A container read packet by packet without decoding: for a codec this crate does not
/// decode (Opus in Ogg), whose packets the page's worker gives to the browser's decoder
/// (WebCodecs `AudioDecoder`) instead, off the main thread.
pub struct PacketReader {
    format: Box<dyn FormatReader>,
    track_id: u32,
    params: CodecParameters,
    /// The last packet read (its bytes are lent out by [`PacketReader::next_packet`]).
    packet: Option<Packet>,
}

impl std::fmt::Debug for PacketReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PacketReader")
            .field("codec", &self.codec())
            .finish()
    }
}

/// One encoded packet: its bytes and its start time and duration in seconds.
#[derive(Debug, Clone, Copy)]
pub struct EncodedPacket<'a> {
    /// The packet's bytes, as the codec reads them.
    pub data: &'a [u8],
    /// Start time, seconds (0 when the container gives no time base).
    pub start_seconds: f64,
    /// Duration, seconds (0 when unknown).
    pub duration_seconds: f64,
}

impl PacketReader {
    /// Opens an in-memory file and picks its first audio track.
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) when the bytes are not a container symphonia reads.
    pub fn from_bytes<B: AsRef<[u8]> + Send + Sync + 'static>(bytes: B) -> Result<Self> {
        let open = |source, hint| {
            let (format, track_id, params) = probe_track(source, hint)?;
            Ok(PacketReader {
                format,
                track_id,
                params,
                packet: None,
            })
        };
        Ok(open_source(Cursor::new(bytes), Hint::new(), open)?.0)
    }

    /// The codec: "opus", "aac", "vorbis", "flac", "mp3", "alac" or "other".
    pub fn codec(&self) -> &'static str {
        match self.params.codec {
            CODEC_TYPE_OPUS => "opus",
            CODEC_TYPE_AAC => "aac",
            CODEC_TYPE_VORBIS => "vorbis",
            CODEC_TYPE_FLAC => "flac",
            CODEC_TYPE_MP3 => "mp3",
            CODEC_TYPE_ALAC => "alac",
            _ => "other",
        }
    }

    /// The track's sample rate in Hz, when the container gives it.
    pub fn sample_rate(&self) -> Option<u32> {
        self.params.sample_rate
    }

    /// The track's channel count, when the container gives it.
    pub fn channels(&self) -> Option<usize> {
        self.params.channels.map(|c| c.count())
    }

    /// The codec's setup bytes (Opus: the OpusHead packet), which a decoder needs before
    /// the first packet.
    pub fn extra_data(&self) -> Option<&[u8]> {
        self.params.extra_data.as_deref()
    }

    /// Frames of encoder delay at the start that a decoder's output should drop (Opus
    /// pre-skip), when the container says.
    pub fn delay(&self) -> Option<u32> {
        self.params.delay
    }

    /// The track's duration in seconds when the container says. symphonia gives the
    /// length in the track's time base, which need not be frames, so it is converted with
    /// that, or with the sample rate when there is no time base.
    pub fn declared_duration_seconds(&self) -> Option<f64> {
        let n = self.params.n_frames? as f64;
        match (self.params.time_base, self.params.sample_rate) {
            (Some(tb), _) if tb.denom > 0 => Some(n * f64::from(tb.numer) / f64::from(tb.denom)),
            (_, Some(rate)) if rate > 0 => Some(n / f64::from(rate)),
            _ => None,
        }
        .filter(|d| d.is_finite() && *d > 0.0)
    }

    /// The next packet of the track; `None` at the end.
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) when the container is broken.
    pub fn next_packet(&mut self) -> Result<Option<EncodedPacket<'_>>> {
        loop {
            match self.format.next_packet() {
                Ok(p) if p.track_id() == self.track_id => {
                    self.packet = Some(p);
                    break;
                }
                Ok(_) => {}
                Err(SymphoniaError::IoError(e))
                    if e.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    return Ok(None)
                }
                Err(SymphoniaError::ResetRequired) => return Ok(None),
                Err(e) => return Err(decode_error(e)),
            }
        }
        let seconds = |units: u64| {
            self.params.time_base.map_or(0.0, |tb| {
                units as f64 * f64::from(tb.numer) / f64::from(tb.denom)
            })
        };
        let p = self.packet.as_ref().expect("set above");
        Ok(Some(EncodedPacket {
            data: p.buf(),
            start_seconds: seconds(p.ts),
            duration_seconds: seconds(p.dur),
        }))
    }

    /// The track's duration in seconds from its packets' times (the end of the last
    /// packet), read through without decoding; for a container that does not give the
    /// frame count. Consumes the reader.
    pub fn duration_seconds(mut self) -> f64 {
        let mut end: f64 = 0.0;
        while let Ok(Some(p)) = self.next_packet() {
            end = end.max(p.start_seconds + p.duration_seconds);
        }
        end
    }
}
