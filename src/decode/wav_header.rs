//! What the start of a RIFF/WAVE file says ([`WavHead`]: its `fmt ` chunk and where its
//! `data` chunk starts), and the repair of a `data` length that claims more bytes than the
//! file holds: [`Patched`] replaces the length fields, in what symphonia reads, by ffmpeg's
//! "length unknown" (`u32::MAX`), so that symphonia reads to the end of the file.

use std::io::{Read, Seek, SeekFrom};
use symphonia::core::io::MediaSource;

/// A source that reads as its inner one except for a few 4-byte fields (WAV lengths).
pub(super) struct Patched<S> {
    pub(super) inner: S,
    /// Position of the next byte read, bytes from the start.
    pub(super) pos: u64,
    /// (offset, bytes) of each replaced field.
    pub(super) patches: Vec<(u64, [u8; 4])>,
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
pub(super) struct WavFmt {
    /// Format tag (for WAVE_FORMAT_EXTENSIBLE, the sub-format's tag).
    pub(super) tag: u16,
    pub(super) channels: u16,
    pub(super) rate_hz: u32,
    pub(super) bytes_per_second: u32,
    pub(super) bits: u16,
}

/// What the start of a RIFF/WAVE file says.
#[derive(Debug, Default)]
pub(super) struct WavHead {
    pub(super) fmt: Option<WavFmt>,
    /// The file ends inside the `fmt ` chunk.
    pub(super) fmt_cut: bool,
    /// The file ends before a `data` chunk header.
    pub(super) ends_before_data: bool,
    /// Offset of the `data` chunk's header and the length it claims, bytes.
    pub(super) data: Option<(u64, u32)>,
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
    pub(super) fn parse(head: &[u8], file_len: u64) -> Option<WavHead> {
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
    pub(super) fn length_fix(&self, file_len: u64) -> (Vec<(u64, [u8; 4])>, Option<String>) {
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

#[cfg(test)]
mod tests {
    use super::super::test_wav::{decode_all, wav};

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
}
