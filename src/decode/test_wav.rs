//! Test helpers: a small PCM WAV file in memory and a whole decode of one.

use super::AudioReader;
use crate::error::Result;

/// A mono 16 kHz 16-bit WAV of format `tag` whose `data` chunk claims `data_len` bytes and
/// holds `samples` samples.
pub(super) fn wav(tag: u16, data_len: u32, samples: usize) -> Vec<u8> {
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

/// Decodes `bytes` to the end: the samples decoded and the warnings.
pub(super) fn decode_all(bytes: Vec<u8>) -> Result<(usize, Vec<String>)> {
    let mut r = AudioReader::from_bytes(bytes)?;
    let mut out = Vec::new();
    while r.next_block(&mut out)? {}
    Ok((out.len(), r.warnings()))
}
