//! `AudioFileDecoder` and `AudioPacketReader`: audio files decoded (or their packets read)
//! in a page's worker with the same decoder as the command-line tool.

use super::js_error;
use js_sys::{Array, Float32Array};
use wasm_bindgen::prelude::*;

/// An audio file (WAV, FLAC, MP3, Ogg/Vorbis) decoded block by block
/// with the same decoder as the command-line tool, so that a page can decode in a worker:
/// `nextChunk(maxFrames)` returns the next samples, one `Float32Array` per channel, until
/// it returns `undefined`.
#[wasm_bindgen(js_name = AudioFileDecoder)]
pub struct JsAudioFileDecoder {
    reader: crate::decode::AudioReader,
    /// Frames decoded but not yet returned, per channel (reused: no allocation per chunk).
    pending: Vec<Vec<f32>>,
    frames: Option<u64>,
    ended: bool,
}

#[wasm_bindgen(js_class = AudioFileDecoder)]
impl JsAudioFileDecoder {
    /// Opens the file's bytes (copied once into wasm memory). Throws an `Error` saying why
    /// when they are not a file it can decode.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: Vec<u8>) -> Result<JsAudioFileDecoder, JsError> {
        let bytes: std::sync::Arc<[u8]> = bytes.into();
        let reader = crate::decode::AudioReader::from_bytes(bytes.clone()).map_err(js_error)?;
        // A container that does not give the length (an MP3 without a Xing header) is read
        // through once without decoding, so the page can allocate its playback buffer.
        let frames = match reader.frames() {
            Some(n) => Some(n),
            None => crate::decode::AudioReader::from_bytes(bytes)
                .ok()
                .map(crate::decode::AudioReader::count_frames),
        };
        let pending = vec![Vec::new(); reader.channels()];
        Ok(JsAudioFileDecoder {
            reader,
            pending,
            frames,
            ended: false,
        })
    }

    /// The file's sample rate in Hz.
    #[wasm_bindgen(getter, js_name = sampleRate)]
    pub fn sample_rate(&self) -> u32 {
        self.reader.sample_rate()
    }

    /// The file's channel count.
    #[wasm_bindgen(getter)]
    pub fn channels(&self) -> u32 {
        self.reader.channels() as u32
    }

    /// Frames in the file as its container or packets tell (decoding may give a few more or
    /// fewer: encoder delay, a cut last packet); `undefined` when unknown.
    #[wasm_bindgen(getter)]
    pub fn frames(&self) -> Option<f64> {
        self.frames.map(|n| n as f64)
    }

    /// The codec's short name ("mp3", "flac", "vorbis", "pcm_s16le", ...).
    #[wasm_bindgen(getter)]
    pub fn codec(&self) -> String {
        self.reader.codec().to_string()
    }

    /// What a user should know about the file (a truncated WAV, corrupt packets skipped);
    /// complete once `nextChunk` returned `undefined`.
    #[wasm_bindgen(getter)]
    pub fn warnings(&self) -> Vec<String> {
        self.reader.warnings()
    }

    /// Decodes at least `maxFrames` frames (the last chunk may be shorter, a chunk can
    /// exceed `maxFrames` by less than one packet) and returns them, one `Float32Array` per
    /// channel; `undefined` at the end of the file. Throws an `Error` when the stream is
    /// broken beyond a skippable packet.
    #[wasm_bindgen(js_name = nextChunk, unchecked_return_type = "Float32Array[] | undefined")]
    pub fn next_chunk(
        &mut self,
        #[wasm_bindgen(js_name = maxFrames)] max_frames: u32,
    ) -> Result<JsValue, JsError> {
        let want = max_frames.max(1) as usize;
        while !self.ended && self.pending[0].len() < want {
            if !self
                .reader
                .next_block_channels(&mut self.pending)
                .map_err(js_error)?
            {
                self.ended = true;
            }
        }
        if self.pending[0].is_empty() {
            return Ok(JsValue::UNDEFINED);
        }
        let n = self.pending[0].len().min(want);
        let out = Array::new();
        for channel in &mut self.pending {
            out.push(&Float32Array::from(&channel[..n]));
            channel.drain(..n);
        }
        Ok(out.into())
    }
}

/// An Ogg container read packet by packet without decoding, so that a worker can give the
/// packets of a codec this package does not decode (Opus) to the browser's WebCodecs
/// `AudioDecoder`: `nextPacket()` until it returns `undefined`.
#[wasm_bindgen(js_name = AudioPacketReader)]
pub struct JsAudioPacketReader {
    reader: crate::decode::PacketReader,
    duration: Option<f64>,
    declared: bool,
    last_start: f64,
    last_duration: f64,
}

#[wasm_bindgen(js_class = AudioPacketReader)]
impl JsAudioPacketReader {
    /// Opens the file's bytes (copied once into wasm memory). Throws an `Error` saying why
    /// when they are not a container it reads.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: Vec<u8>) -> Result<JsAudioPacketReader, JsError> {
        let bytes: std::sync::Arc<[u8]> = bytes.into();
        let reader = crate::decode::PacketReader::from_bytes(bytes.clone()).map_err(js_error)?;
        // The duration from the container's frame count, else from the packets' times
        // (a recorder's WebM gives neither a count nor a duration up front).
        let declared = reader.declared_duration_seconds().is_some();
        let duration = match reader.declared_duration_seconds() {
            Some(d) => Some(d),
            None => crate::decode::PacketReader::from_bytes(bytes)
                .ok()
                .map(crate::decode::PacketReader::duration_seconds)
                .filter(|&d| d > 0.0),
        };
        Ok(JsAudioPacketReader {
            reader,
            duration,
            declared,
            last_start: 0.0,
            last_duration: 0.0,
        })
    }

    /// The codec: "opus", "aac", "vorbis", "flac", "mp3", "alac" or "other".
    #[wasm_bindgen(getter)]
    pub fn codec(&self) -> String {
        self.reader.codec().to_string()
    }

    /// The track's sample rate in Hz, when the container gives it.
    #[wasm_bindgen(getter, js_name = sampleRate)]
    pub fn sample_rate(&self) -> Option<u32> {
        self.reader.sample_rate()
    }

    /// The track's channel count, when the container gives it.
    #[wasm_bindgen(getter)]
    pub fn channels(&self) -> Option<u32> {
        self.reader.channels().map(|c| c as u32)
    }

    /// The codec's setup bytes (OpusHead): WebCodecs'
    /// `description`.
    #[wasm_bindgen(getter)]
    pub fn description(&self) -> Option<Vec<u8>> {
        self.reader.extra_data().map(<[u8]>::to_vec)
    }

    /// Frames of encoder delay to drop from the decoded start (Opus pre-skip), when known.
    #[wasm_bindgen(getter)]
    pub fn delay(&self) -> Option<u32> {
        self.reader.delay()
    }

    /// The track's duration in seconds, from the container or its packets' times.
    #[wasm_bindgen(getter)]
    pub fn duration(&self) -> Option<f64> {
        self.duration
    }

    /// Whether `duration` is the container's (exact), not the end of its last packet (a
    /// recorder's WebM: the decoded length can differ by a packet or so).
    #[wasm_bindgen(getter, js_name = durationDeclared)]
    pub fn duration_declared(&self) -> bool {
        self.declared
    }

    /// The next packet's bytes; `undefined` at the end. Its start and duration (seconds)
    /// are then `lastStart` and `lastDuration`.
    #[wasm_bindgen(js_name = nextPacket)]
    pub fn next_packet(&mut self) -> Result<Option<Vec<u8>>, JsError> {
        Ok(match self.reader.next_packet().map_err(js_error)? {
            Some(p) => {
                self.last_start = p.start_seconds;
                self.last_duration = p.duration_seconds;
                Some(p.data.to_vec())
            }
            None => None,
        })
    }

    /// Start of the last packet, seconds.
    #[wasm_bindgen(getter, js_name = lastStart)]
    pub fn last_start(&self) -> f64 {
        self.last_start
    }

    /// Duration of the last packet, seconds (0 when unknown).
    #[wasm_bindgen(getter, js_name = lastDuration)]
    pub fn last_duration(&self) -> f64 {
        self.last_duration
    }
}
