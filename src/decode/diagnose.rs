//! Why a file cannot be decoded, in words, from its first bytes: empty, text, a truncated or
//! invalid WAV header, an unsupported WAV codec, or a container this crate does not read
//! (MP4, WebM, Ogg/Opus); and the one header symphonia would panic on (a WAV at 0 Hz).

use super::wav_header::WavHead;

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

/// Whether `head` holds a RIFF/WAVE header whose `fmt ` chunk gives a rate of 0 Hz.
/// symphonia 0.5's WAV reader panics on one (a `TimeBase` with a 0 denominator) instead of
/// refusing it, and its probe takes a RIFF header wherever it finds one in the first MiB, so
/// every header in the head is checked, not only one at offset 0 (found by the decode fuzz
/// target). A header further than [`HEAD_BYTES`](super::open::HEAD_BYTES) into a file is not seen here.
pub(super) fn zero_rate_wav(head: &[u8], file_len: u64) -> bool {
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
pub(super) fn diagnose(head: &[u8], file_len: u64, wav: Option<&WavHead>) -> Option<String> {
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
    use super::super::test_wav::{decode_all, wav};
    use super::super::AudioReader;

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
