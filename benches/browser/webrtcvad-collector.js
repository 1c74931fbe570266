// The segment collector of py-webrtcvad's example.py (`vad_collector`), ported to JS for
// the browser VAD benchmark (used with @echogarden/fvad-wasm, i.e. libfvad = WebRTC VAD):
//   - frames of 30 ms, a ring of the last 10 frames (300 ms padding);
//   - not triggered: push (frame, isSpeech) into the ring; when MORE than 90% of the
//     ring's frames are voiced, trigger: the segment starts at the oldest frame in the
//     ring, and the ring is cleared;
//   - triggered: push into the ring; when MORE than 90% of the ring's frames are unvoiced,
//     release: the segment ends at the end of this frame, and the ring is cleared;
//   - at the end of the stream, a triggered segment ends at the end of the last frame.
// Like example.py's ring (`collections.deque(maxlen=10)`), the thresholds compare against
// the ring's capacity (0.9 * 10), not its current length. Unlike example.py, no audio is
// collected: only the segment times (seconds) are kept, which is all the benchmark needs.

export class WebRtcVadCollector {
  /**
   * @param {{ frameMs?: number, paddingMs?: number, ratio?: number }} [options]
   */
  constructor({ frameMs = 30, paddingMs = 300, ratio = 0.9 } = {}) {
    this.frameSeconds = frameMs / 1000;
    this.capacity = Math.round(paddingMs / frameMs); // 10
    this.limit = ratio * this.capacity; // "> 0.9 * maxlen"
    this.ring = new Uint8Array(this.capacity); // 1 = voiced
    this.ringStart = 0; // index of the oldest entry
    this.ringLen = 0;
    this.ringVoiced = 0; // voiced entries currently in the ring
    this.ringOldestFrame = 0; // frame index of the oldest entry
    this.triggered = false;
    this.segmentStartFrame = 0;
    this.frame = 0; // index of the next frame
    /** Closed segments as a flat [start0, end0, start1, end1, ...] list in seconds. */
    this.segments = [];
  }

  ringClear() {
    this.ringStart = 0;
    this.ringLen = 0;
    this.ringVoiced = 0;
  }

  ringPush(voiced) {
    const v = voiced ? 1 : 0;
    if (this.ringLen === this.capacity) {
      // deque(maxlen) drops the oldest entry
      this.ringVoiced -= this.ring[this.ringStart];
      this.ring[this.ringStart] = v;
      this.ringStart = (this.ringStart + 1) % this.capacity;
      this.ringOldestFrame += 1;
    } else {
      if (this.ringLen === 0) this.ringOldestFrame = this.frame;
      this.ring[(this.ringStart + this.ringLen) % this.capacity] = v;
      this.ringLen += 1;
    }
    this.ringVoiced += v;
  }

  /** One 30 ms frame's decision from the VAD. */
  push(voiced) {
    this.ringPush(voiced);
    if (!this.triggered) {
      if (this.ringVoiced > this.limit) {
        this.triggered = true;
        this.segmentStartFrame = this.ringOldestFrame;
        this.ringClear();
      }
    } else if (this.ringLen - this.ringVoiced > this.limit) {
      this.triggered = false;
      this.segments.push(this.segmentStartFrame * this.frameSeconds, (this.frame + 1) * this.frameSeconds);
      this.ringClear();
    }
    this.frame += 1;
  }

  /** Ends the stream, closing a segment still open. Returns the flat segment list. */
  finish() {
    if (this.triggered) {
      this.segments.push(this.segmentStartFrame * this.frameSeconds, this.frame * this.frameSeconds);
      this.triggered = false;
    }
    this.ringClear();
    return this.segments;
  }
}
