//! Opening a source for either reader: the header check of its first bytes (a reason in
//! words for an unreadable file, a WAV's impossible lengths patched) and symphonia's probe
//! for the first audio track; symphonia's and the OS's errors as this crate's.

use super::diagnose::{diagnose, zero_rate_wav};
use super::wav_header::{Patched, WavHead};
use crate::error::{Error, Result};
use std::io::{Read, SeekFrom};
use symphonia::core::codecs::{CodecParameters, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// Bytes read from the start of a file to check its header (64 KiB: the chunks before a
/// WAV's `data`, such as `fmt `, `fact`, `LIST`, `bext` and `iXML`, rarely take more).
pub(super) const HEAD_BYTES: usize = 64 * 1024;

pub(super) fn decode_error(e: SymphoniaError) -> Error {
    match e {
        SymphoniaError::Unsupported(what) => Error::Decode(format!("unsupported format: {what}")),
        SymphoniaError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Decode("file is truncated or not audio".into())
        }
        other => Error::Decode(other.to_string()),
    }
}

/// An I/O error as a short reason: the OS's text without Rust's " (os error N)" suffix.
pub(super) fn io_error(e: &std::io::Error) -> Error {
    let text = e.to_string();
    let reason = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => &text,
    };
    Error::Io(reason.to_string())
}

/// Reads the first bytes of a seekable source to check its header, then hands the source
/// (with a WAV's impossible lengths patched) to `open`; an error of `open` is replaced by a
/// reason in words when the header tells one. Returns what `open` made and the header's
/// warning (a truncated WAV).
pub(super) fn open_source<S: MediaSource + 'static, T>(
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
pub(super) fn probe_track(
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
