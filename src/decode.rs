//! Audio file decoding (WAV, FLAC, MP3, Ogg/Vorbis) with symphonia,
//! streamed block by block, either downmixed to mono by averaging the channels
//! ([`crate::audio::downmix_interleaved`], the command-line tool) or per channel (the review
//! page's worker, which plays the file back), so that a 3-hour file never has to be held in
//! memory decoded. The same decoder runs natively and in wasm, so the page and the CLI see the
//! same samples; the page falls back to the browser's `decodeAudioData` only for what
//! symphonia does not decode (MP4/M4A, Opus, WebM).
//!
//! Before symphonia probes a file, the first [`HEAD_BYTES`] are read once: they give a human
//! reason when the file cannot be decoded (empty, text, truncated WAV header, unsupported WAV
//! codec, MP4), and they show a WAV whose `data` chunk claims more bytes than the file holds
//! (a truncated copy, or a recorder that wrote a placeholder length such as 0xFFFFFFF0). Such
//! a file is decoded up to its end with a warning ([`AudioReader::warnings`]): the sizes are
//! replaced, in what symphonia reads, by ffmpeg's "length unknown" (`u32::MAX`), which
//! symphonia reads to the end of the file. Nothing is allocated from a claimed length.

use crate::audio::downmix_interleaved;
use crate::error::{Error, Result};
use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{
    CodecParameters, Decoder, DecoderOptions, CODEC_TYPE_AAC, CODEC_TYPE_ADPCM_IMA_WAV,
    CODEC_TYPE_ADPCM_MS, CODEC_TYPE_ALAC, CODEC_TYPE_FLAC, CODEC_TYPE_MP3, CODEC_TYPE_NULL,
    CODEC_TYPE_OPUS, CODEC_TYPE_VORBIS,
};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader, Packet};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// Bytes read from the start of a file to check its header (64 KiB: the chunks before a
/// WAV's `data`, such as `fmt `, `fact`, `LIST`, `bext` and `iXML`, rarely take more).
const HEAD_BYTES: usize = 64 * 1024;

/// A decoder that yields mono `f32` blocks.
pub struct AudioReader {
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    sample_rate: u32,
    channels: usize,
    interleaved: Option<SampleBuffer<f32>>,
    /// Frames in the track when the container says (FLAC STREAMINFO, an MP3 Xing/Info
    /// header, an MP4 sample table, the last Ogg page's granule position).
    frames: Option<u64>,
    /// symphonia's short codec name ("mp3", "aac", "flac", "pcm_s16le", ...).
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

fn decode_error(e: SymphoniaError) -> Error {
    match e {
        SymphoniaError::Unsupported(what) => Error::Decode(format!("unsupported format: {what}")),
        SymphoniaError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Decode("file is truncated or not audio".into())
        }
        other => Error::Decode(other.to_string()),
    }
}

/// An I/O error as a short reason: the OS's text without Rust's " (os error N)" suffix.
fn io_error(e: &std::io::Error) -> Error {
    let text = e.to_string();
    let reason = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => &text,
    };
    Error::Io(reason.to_string())
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
    /// [`Error::Decode`] when the bytes are not a container symphonia reads.
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

    /// The codec's setup bytes (AAC AudioSpecificConfig, the OpusHead packet), which a
    /// decoder needs before the first packet.
    pub fn extra_data(&self) -> Option<&[u8]> {
        self.params.extra_data.as_deref()
    }

    /// Frames of encoder delay at the start that a decoder's output should drop (Opus
    /// pre-skip), when the container says.
    pub fn delay(&self) -> Option<u32> {
        self.params.delay
    }

    /// The track's duration in seconds when the container says. symphonia gives the
    /// length in the track's time base (Matroska: its timestamp scale, not frames), so it
    /// is converted with that, or with the sample rate when there is no time base.
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
    /// [`Error::Decode`] when the container is broken.
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
    /// frame count (WebM from a recorder). Consumes the reader.
    pub fn duration_seconds(mut self) -> f64 {
        let mut end: f64 = 0.0;
        while let Ok(Some(p)) = self.next_packet() {
            end = end.max(p.start_seconds + p.duration_seconds);
        }
        end
    }
}

/// Reads the first bytes of a seekable source to check its header, then hands the source
/// (with a WAV's impossible lengths patched) to `open`; an error of `open` is replaced by a
/// reason in words when the header tells one. Returns what `open` made and the header's
/// warning (a truncated WAV).
fn open_source<S: MediaSource + 'static, T>(
    mut source: S,
    hint: Hint,
    open: impl FnOnce(Box<dyn MediaSource>, Hint) -> Result<T>,
) -> Result<(T, Option<String>)> {
    // Only a seekable source (a regular file, bytes) can be read ahead and rewound; a
    // pipe goes to symphonia as it is.
    let file_len = source.byte_len().filter(|_| source.is_seekable());
    let mut head = Vec::new();
    if let Some(len) = file_len {
        if len == 0 {
            return Err(Error::Decode("empty file (0 bytes)".into()));
        }
        (&mut source)
            .take(HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| io_error(&e))?;
        source.seek(SeekFrom::Start(0)).map_err(|e| io_error(&e))?;
    }
    if let Some(len) = file_len {
        if zero_rate_wav(&head, len) {
            return Err(Error::Decode("invalid WAV header: sample rate 0 Hz".into()));
        }
    }
    let wav = file_len.and_then(|len| WavHead::parse(&head, len));
    let (patches, header_warning) = match (&wav, file_len) {
        (Some(w), Some(len)) => w.length_fix(len),
        _ => (Vec::new(), None),
    };
    let explain = |e: Error| match file_len {
        Some(len) => diagnose(&head, len, wav.as_ref()).map_or(e, Error::Decode),
        None => e,
    };
    let source: Box<dyn MediaSource> = if patches.is_empty() {
        Box::new(source)
    } else {
        Box::new(Patched {
            inner: source,
            pos: 0,
            patches,
        })
    };
    let made = open(source, hint).map_err(explain)?;
    Ok((made, header_warning))
}

/// Probes the container and picks its first audio track: the reader, the track's id and
/// its codec parameters.
fn probe_track(
    source: Box<dyn MediaSource>,
    hint: Hint,
) -> Result<(Box<dyn FormatReader>, u32, CodecParameters)> {
    let stream = MediaSourceStream::new(source, Default::default());
    let probed = symphonia::default::get_probe()
        .format(
            &hint,
            stream,
            &FormatOptions {
                // Trim the encoder delay and padding (LAME gapless info, Ogg granule
                // positions) as browsers do, so that a segment is at the same time in an
                // MP3 as in the WAV it was made from.
                enable_gapless: true,
                ..FormatOptions::default()
            },
            &MetadataOptions::default(),
        )
        .map_err(decode_error)?;
    let format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or_else(|| Error::Decode("no audio track".into()))?;
    let (id, params) = (track.id, track.codec_params.clone());
    Ok((format, id, params))
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

/// A source that reads as its inner one except for a few 4-byte fields (WAV lengths).
struct Patched<S> {
    inner: S,
    /// Position of the next byte read, bytes from the start.
    pos: u64,
    /// (offset, bytes) of each replaced field.
    patches: Vec<(u64, [u8; 4])>,
}

impl<S: Read> Read for Patched<S> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let end = self.pos + n as u64;
        for (offset, bytes) in &self.patches {
            for (i, b) in bytes.iter().enumerate() {
                let at = offset + i as u64;
                if (self.pos..end).contains(&at) {
                    buf[(at - self.pos) as usize] = *b;
                }
            }
        }
        self.pos = end;
        Ok(n)
    }
}

impl<S: Seek> Seek for Patched<S> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.pos = self.inner.seek(to)?;
        Ok(self.pos)
    }
}

impl<S: MediaSource> MediaSource for Patched<S> {
    fn is_seekable(&self) -> bool {
        self.inner.is_seekable()
    }

    fn byte_len(&self) -> Option<u64> {
        self.inner.byte_len()
    }
}

/// The `fmt ` chunk fields that matter here.
#[derive(Debug, Clone, Copy)]
struct WavFmt {
    /// Format tag (for WAVE_FORMAT_EXTENSIBLE, the sub-format's tag).
    tag: u16,
    channels: u16,
    rate_hz: u32,
    bytes_per_second: u32,
    bits: u16,
}

/// What the start of a RIFF/WAVE file says.
#[derive(Debug, Default)]
struct WavHead {
    fmt: Option<WavFmt>,
    /// The file ends inside the `fmt ` chunk.
    fmt_cut: bool,
    /// The file ends before a `data` chunk header.
    ends_before_data: bool,
    /// Offset of the `data` chunk's header and the length it claims, bytes.
    data: Option<(u64, u32)>,
}

/// Format tags symphonia decodes: PCM, MS ADPCM, IEEE float, A-law, mu-law, IMA ADPCM.
const SUPPORTED_TAGS: [u16; 6] = [0x0001, 0x0002, 0x0003, 0x0006, 0x0007, 0x0011];

fn codec_name(tag: u16) -> Option<&'static str> {
    Some(match tag {
        0x0001 => "PCM",
        0x0002 => "MS ADPCM",
        0x0003 => "IEEE float",
        0x0006 => "A-law",
        0x0007 => "mu-law",
        0x0011 => "IMA ADPCM",
        0x0031 => "GSM 6.10",
        0x0050 => "MPEG audio",
        0x0055 => "MP3",
        0x00FF | 0x1610 | 0x1602 => "AAC",
        0x0160..=0x0163 => "Windows Media Audio",
        0x2000 => "AC-3",
        0xF1AC => "FLAC",
        _ => return None,
    })
}

/// A duration for a message: seconds below a minute, then minutes, then hours.
fn human_duration(seconds: f64) -> String {
    if seconds < 60.0 {
        format!("{seconds:.2} s")
    } else if seconds < 3600.0 {
        format!("{:.1} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

fn le_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl WavHead {
    /// Walks the chunks in `head` (the first bytes of a file of `file_len` bytes); `None`
    /// when it is not RIFF/WAVE.
    fn parse(head: &[u8], file_len: u64) -> Option<WavHead> {
        if head.len() < 12 || &head[0..4] != b"RIFF" || &head[8..12] != b"WAVE" {
            return None;
        }
        let mut out = WavHead::default();
        // Offsets are u64 so that a claimed length near 4 GiB cannot overflow them.
        let mut pos: u64 = 12;
        loop {
            if pos + 8 > file_len {
                out.ends_before_data = true;
                break;
            }
            let p = pos as usize;
            let (Some(id), Some(len)) = (head.get(p..p + 4), le_u32(head, p + 4)) else {
                // Beyond what was read: nothing known.
                break;
            };
            let body = p + 8;
            match id {
                b"fmt " => {
                    if pos + 8 + u64::from(len) > file_len {
                        out.fmt_cut = true;
                        break;
                    }
                    if len >= 16 {
                        let tag = le_u16(head, body)?;
                        // WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts with the tag.
                        let tag = if tag == 0xFFFE && len >= 40 {
                            le_u16(head, body + 24).unwrap_or(tag)
                        } else {
                            tag
                        };
                        out.fmt = Some(WavFmt {
                            tag,
                            channels: le_u16(head, body + 2)?,
                            rate_hz: le_u32(head, body + 4)?,
                            bytes_per_second: le_u32(head, body + 8)?,
                            bits: le_u16(head, body + 14)?,
                        });
                    }
                }
                b"data" => {
                    out.data = Some((pos, len));
                    break;
                }
                _ => {}
            }
            // Chunks are padded to an even length.
            pos += 8 + u64::from(len) + u64::from(len & 1);
        }
        Some(out)
    }

    /// The length fields to replace so that symphonia reads the `data` chunk to the end of
    /// the file, and the warning to give, when the chunk claims more bytes than follow it.
    fn length_fix(&self, file_len: u64) -> (Vec<(u64, [u8; 4])>, Option<String>) {
        let Some((at, claimed)) = self.data else {
            return (Vec::new(), None);
        };
        let present = file_len.saturating_sub(at + 8);
        if claimed == u32::MAX || u64::from(claimed) <= present {
            // Consistent, or ffmpeg's "length unknown", which symphonia handles itself.
            return (Vec::new(), None);
        }
        let unknown = u32::MAX.to_le_bytes();
        let patches = vec![(4, unknown), (at + 4, unknown)];
        let seconds = |bytes: u64| match self.fmt {
            Some(f) if f.bytes_per_second > 0 => {
                format!(
                    " ({})",
                    human_duration(bytes as f64 / f.bytes_per_second as f64)
                )
            }
            _ => String::new(),
        };
        let warning = format!(
            "truncated WAV: the header announces {claimed} bytes of audio{}, the file holds \
             {present} bytes{}; decoded what is there",
            seconds(u64::from(claimed)),
            seconds(present),
        );
        (patches, Some(warning))
    }
}

/// Whether `head` holds a RIFF/WAVE header whose `fmt ` chunk gives a rate of 0 Hz.
/// symphonia 0.5's WAV reader panics on one (a `TimeBase` with a 0 denominator) instead of
/// refusing it, and its probe takes a RIFF header wherever it finds one in the first MiB, so
/// every header in the head is checked, not only one at offset 0 (found by the decode fuzz
/// target). A header further than [`HEAD_BYTES`] into a file is not seen here.
fn zero_rate_wav(head: &[u8], file_len: u64) -> bool {
    head.windows(12).enumerate().any(|(i, w)| {
        &w[0..4] == b"RIFF"
            && &w[8..12] == b"WAVE"
            && WavHead::parse(&head[i..], file_len.saturating_sub(i as u64))
                .and_then(|h| h.fmt)
                .is_some_and(|f| f.rate_hz == 0)
    })
}

/// Why a file that symphonia refused cannot be decoded, in words, when the first bytes
/// tell; `None` leaves symphonia's reason.
fn diagnose(head: &[u8], file_len: u64, wav: Option<&WavHead>) -> Option<String> {
    if let Some(w) = wav {
        if w.fmt_cut {
            return Some(format!(
                "truncated WAV header: the file ends inside the 'fmt ' chunk ({file_len} bytes)"
            ));
        }
        if let Some(f) = w.fmt {
            if !SUPPORTED_TAGS.contains(&f.tag) {
                let name = codec_name(f.tag).map_or(String::new(), |n| format!(", {n}"));
                return Some(format!(
                    "unsupported codec (WAV format tag 0x{:04X}{name})",
                    f.tag
                ));
            }
            if f.channels == 0 || f.channels > 32 {
                return Some(format!(
                    "invalid WAV header: {} channels (1 to 32 supported)",
                    f.channels
                ));
            }
            if f.rate_hz == 0 {
                return Some("invalid WAV header: sample rate 0 Hz".into());
            }
            if f.tag == 0x0001 && ![8, 16, 24, 32].contains(&f.bits) {
                return Some(format!(
                    "invalid WAV header: {} bits per sample (PCM needs 8, 16, 24 or 32)",
                    f.bits
                ));
            }
        }
        if w.data.is_none() && w.ends_before_data {
            return Some(format!(
                "truncated WAV header: the file ends before the audio data ({file_len} bytes)"
            ));
        }
        return None;
    }
    if head.len() < 12 && head.starts_with(b"RIFF") {
        return Some(format!(
            "truncated WAV header: the file is only {file_len} bytes"
        ));
    }
    if head.len() >= 12 && head.starts_with(b"RIFF") {
        let form = String::from_utf8_lossy(&head[8..12]).trim().to_string();
        return Some(format!("a RIFF file of type '{form}', not WAV audio"));
    }
    if head.get(4..8) == Some(b"ftyp") {
        return Some(
            "MP4/M4A audio (AAC, ALAC) is not supported: convert it to WAV, FLAC, MP3 or Ogg/Vorbis"
                .into(),
        );
    }
    if head.starts_with(&[0x1a, 0x45, 0xdf, 0xa3]) {
        return Some(
            "WebM/Matroska audio is not supported: convert it to WAV, FLAC, MP3 or Ogg/Vorbis"
                .into(),
        );
    }
    if head.starts_with(b"OggS") && head.windows(8).any(|w| w == b"OpusHead") {
        return Some(
            "Ogg/Opus is not supported: convert it to WAV, FLAC, MP3 or Ogg/Vorbis".into(),
        );
    }
    if looks_like_text(head) {
        return Some("not an audio file (it holds text)".into());
    }
    None
}

/// Printable UTF-8 (tabs and line breaks allowed), possibly cut inside the last character.
fn looks_like_text(head: &[u8]) -> bool {
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // Cut inside a multi-byte character at the end of the head: the rest is fine.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !text.is_empty()
        && text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(tag: u16, data_len: u32, samples: usize) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(b"RIFF");
        b.extend_from_slice(&36u32.wrapping_add(data_len).to_le_bytes());
        b.extend_from_slice(b"WAVEfmt ");
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&tag.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&16000u32.to_le_bytes());
        b.extend_from_slice(&32000u32.to_le_bytes());
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(&16u16.to_le_bytes());
        b.extend_from_slice(b"data");
        b.extend_from_slice(&data_len.to_le_bytes());
        for n in 0..samples {
            b.extend_from_slice(&((n % 200) as i16 * 100).to_le_bytes());
        }
        b
    }

    fn decode_all(bytes: Vec<u8>) -> Result<(usize, Vec<String>)> {
        let mut r = AudioReader::from_bytes(bytes)?;
        let mut out = Vec::new();
        while r.next_block(&mut out)? {}
        Ok((out.len(), r.warnings()))
    }

    #[test]
    fn a_wav_claiming_4_gib_decodes_what_is_there_with_a_warning() {
        let (n, warnings) = decode_all(wav(1, 0xFFFF_FFF0, 3000)).unwrap();
        assert_eq!(n, 3000);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("4294967280 bytes"), "{}", warnings[0]);
    }

    #[test]
    fn a_consistent_wav_has_no_warning() {
        let (n, warnings) = decode_all(wav(1, 6000, 3000)).unwrap();
        assert_eq!((n, warnings.len()), (3000, 0));
    }

    #[test]
    fn reasons_in_words() {
        let reason = |bytes: Vec<u8>| AudioReader::from_bytes(bytes).unwrap_err().to_string();
        assert_eq!(
            reason(wav(0x1234, 200, 100)),
            "cannot decode audio: unsupported codec (WAV format tag 0x1234)"
        );
        assert!(reason(wav(0x55, 200, 100)).contains("0x0055, MP3"));
        assert!(reason(wav(1, 200, 100)[..30].to_vec()).contains("truncated WAV header"));
        assert!(reason(b"hello, world\n".to_vec()).contains("text"));
        assert!(reason(Vec::new()).contains("empty file"));
    }

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

    #[test]
    fn a_rate_of_0_hz_is_an_error_not_a_panic() {
        // Found by the `decode` fuzz target: symphonia's WAV reader panicked ("TimeBase
        // cannot have 0 numerator or denominator"), also when junk precedes the header.
        let mut b = wav(1, 200, 100);
        b[24..28].copy_from_slice(&0u32.to_le_bytes());
        for junk in [0, 1, 7, 1000] {
            let mut bytes = vec![0x55; junk];
            bytes.extend_from_slice(&b);
            let e = decode_all(bytes).unwrap_err().to_string();
            assert!(e.contains("sample rate 0 Hz"), "{junk}: {e}");
        }
    }
}
