//! The decoder front end: arbitrary bytes as an audio file (WAV, FLAC, MP3, Ogg/Vorbis,
//! ADPCM) through `AudioReader::from_bytes` and every `next_block`. Every outcome must be an
//! `Ok` or an `Err` carrying a message; nothing may panic, hang or allocate without bound.
#![no_main]

#[path = "common.rs"]
mod common;

use bystander::AudioReader;
use libfuzzer_sys::fuzz_target;

/// Stop after this many decoded (mono) samples: a tiny header can claim hours of audio.
const MAX_SAMPLES: usize = 4 << 20;
/// Stop after this many blocks (each may be empty).
const MAX_BLOCKS: usize = 100_000;

fuzz_target!(|data: &[u8]| {
    let mut reader = match AudioReader::from_bytes(data.to_vec()) {
        Ok(r) => r,
        Err(e) => return common::check_decode_error(&e),
    };
    assert!(reader.channels() >= 1);
    if common::debug() {
        eprintln!("{reader:?}");
    }
    let mut block = Vec::new();
    let mut total = 0usize;
    let mut blocks = 0usize;
    let ended = loop {
        block.clear();
        match reader.next_block(&mut block) {
            Ok(true) => {}
            Ok(false) => break true,
            Err(e) => {
                common::check_decode_error(&e);
                break true;
            }
        }
        total += block.len();
        if common::debug() {
            eprintln!("block of {} samples", block.len());
        }
        blocks += 1;
        if total > MAX_SAMPLES || blocks > MAX_BLOCKS {
            break false;
        }
    };
    if ended {
        // Reading past the end (or past an error) is an `Ok(false)` or an `Err` again.
        block.clear();
        if let Err(e) = reader.next_block(&mut block) {
            common::check_decode_error(&e);
        }
    }
    let _ = reader.skipped_packets();
});
