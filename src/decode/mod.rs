//! Audio file decoding with symphonia (WAV/PCM/ADPCM, FLAC, MP3, Ogg/Vorbis), streamed block
//! by block, either downmixed to mono by averaging the channels
//! ([`crate::audio::downmix_interleaved`], the command-line tool) or per channel (the review
//! page's worker, which plays the file back), so that a 3-hour file never has to be held in
//! memory decoded. The same decoder runs natively and in wasm, so the page and the CLI see the
//! same samples.
//!
//! What symphonia does not decode is decoded by the browser in the page: Opus in Ogg through
//! [`PacketReader`], which reads the Ogg pages' packets for the browser's WebCodecs decoder;
//! WebM through the page's own demuxer (symphonia's Matroska reader panics on cut files) and
//! MP4/M4A through `decodeAudioData` (symphonia's MP4 reader allocates a sample table's
//! claimed size before reading it, and its AAC decoder diverges from ffmpeg). Neither reader
//! is built in, so natively these files are refused with a reason in words.
//!
//! Before symphonia probes a file, its first bytes are read once (`open`): they give a
//! human reason when the file cannot be decoded (`diagnose`: empty, text, truncated WAV
//! header, unsupported WAV codec, MP4, WebM or Ogg/Opus), and they show a WAV whose `data`
//! chunk claims more bytes than the file holds (a truncated copy, or a recorder that wrote a
//! placeholder length such as 0xFFFFFFF0). Such a file is decoded up to its end with a warning
//! ([`AudioReader::warnings`]): the sizes are replaced, in what symphonia reads, by ffmpeg's
//! "length unknown" (`u32::MAX`), which symphonia reads to the end of the file
//! (`wav_header`). Nothing is allocated from a claimed length.
//!
//! - `reader`: [`AudioReader`] and [`read_mono`], decoded samples;
//! - `packets`: [`PacketReader`] and [`EncodedPacket`], a container's packets undecoded;
//! - `open`: the header check and symphonia's probe, shared by both readers;
//! - `wav_header`: the WAV chunk walk and the repair of impossible lengths;
//! - `diagnose`: why an unreadable file cannot be decoded, in words.

mod diagnose;
mod open;
mod packets;
mod reader;
#[cfg(test)]
mod test_wav;
mod wav_header;

pub use packets::{EncodedPacket, PacketReader};
pub use reader::{read_mono, AudioReader};
