//! The packet reader the page's worker uses for Opus in Ogg, whose packets go to WebCodecs: arbitrary bytes through `PacketReader::from_bytes`, its track facts and
//! every `next_packet`. Every outcome must be an `Ok` or an `Err` carrying a message; nothing
//! may panic (a trap in wasm), hang or allocate without bound.
#![no_main]

#[path = "common.rs"]
mod common;

use bystander::PacketReader;
use libfuzzer_sys::fuzz_target;

/// Stop after this many packets.
const MAX_PACKETS: usize = 200_000;

fuzz_target!(|data: &[u8]| {
    let mut reader = match PacketReader::from_bytes(data.to_vec()) {
        Ok(r) => r,
        Err(e) => return common::check_decode_error(&e),
    };
    let _ = (reader.codec(), reader.sample_rate(), reader.channels(), reader.delay());
    let _ = reader.extra_data().map(<[u8]>::len);
    if let Some(d) = reader.declared_duration_seconds() {
        assert!(d.is_finite() && d > 0.0);
    }
    for _ in 0..MAX_PACKETS {
        match reader.next_packet() {
            Ok(Some(p)) => {
                assert!(p.start_seconds.is_finite() && p.duration_seconds.is_finite());
            }
            Ok(None) => break,
            Err(e) => {
                common::check_decode_error(&e);
                break;
            }
        }
    }
    // The duration pass the worker makes when the container gives none.
    if let Ok(again) = PacketReader::from_bytes(data.to_vec()) {
        assert!(again.duration_seconds().is_finite());
    }
});
