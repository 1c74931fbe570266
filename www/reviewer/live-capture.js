// @ts-check
// Live capture: the microphone through the capture worklet (capture-worklet.js), whose
// blocks go straight to the worker by a MessagePort; provisional labels are drawn as each
// stretch of speech ends, and the recording is analysed as a whole when it stops.
import { TO_WORKER } from '../protocol.js';
import { errorText, fmtTime } from './dom.js';

/**
 * A recording in progress. `position`: seconds recorded; `tileView`: the live tile's columns.
 * @typedef {{ id: number, stream: MediaStream, source: MediaStreamAudioSourceNode,
 *   node: AudioWorkletNode, segments: import('../protocol.js').Segment[], position: number,
 *   t0: number, lastTile?: number, tileView?: { first: number, hop: number, rate: number } }} Recording
 */
/**
 * How late each provisional label was shown: audio time from the end of its speech segment
 * (`delayMs`) or of its labelled run (`runDelayMs`) to the push that closed it, plus the
 * message and DOM time.
 * @typedef {{ start: number, end: number, label: string, speechEnd: number, delayMs: number,
 *   runDelayMs: number }} LiveDelay
 */

export class LiveCapture {
  /** @param {import('../reviewer.js').Reviewer} r */
  constructor(r) {
    this.r = r;
    /** @type {Recording | null} */
    this.recording = null;
    /** @type {LiveDelay[]} */
    this.delays = [];
  }

  async toggle() {
    if (this.recording) await this.stop();
    else await this.start();
  }

  async start() {
    const { r } = this;
    await r.ready;
    if (r.loader.job) r.cancel();
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    } catch (err) {
      r.alert(`The microphone is not available: ${errorText(err)}`);
      return;
    }
    r.player.pause();
    await r.audio.resume();
    const id = r.loader.nextId();
    const source = r.audio.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(r.audio, 'bystander-capture', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: 'explicit' });
    source.connect(node).connect(r.audio.destination);
    const channel = new MessageChannel();
    r.worker.post({ t: TO_WORKER.LIVE_START, id, sampleRate: r.audio.sampleRate, port: channel.port1 }, [channel.port1]);
    node.port.postMessage({ port: channel.port2 }, [channel.port2]);
    this.recording = { id, stream, source, node, segments: [], position: 0, t0: performance.now() };
    this.delays = [];
    r.clearAlert();
    r.el.record.textContent = '■ Stop';
    r.el.record.classList.add('bysr-recording');
    r.el.stopRecord.hidden = false;
    r.el.status.textContent = 'Recording: provisional labels appear as each stretch of speech ends.';
    r.setState('recording');
    r.el.warning.classList.add('bysr-none');
    r.el.warning.textContent = 'Labels while recording are provisional: the recording is analysed as a whole when you stop.';
    r.el.caption.textContent = '';
    r.el.overview.getContext('2d').clearRect(0, 0, r.el.overview.width, r.el.overview.height);
    r.el.timeAxis.replaceChildren();
    this.render();
  }

  /** @param {import('../protocol.js').LiveMessage} msg */
  arrived(msg) {
    const rec = this.recording;
    if (!rec || msg.id !== rec.id) return;
    rec.position = msg.position;
    if (msg.segments.length) {
      rec.segments.push(...msg.segments);
      this.render();
      const shown = performance.timeOrigin + performance.now();
      const transit = shown - msg.sentAt; // worker -> page, drawn
      msg.segments.forEach((s, k) => {
        // Audio time from the end of the speech segment (and of the labelled run) to the
        // push that closed it, plus the message and DOM time.
        const speechEnd = msg.speechEnds[k] ?? s.end;
        this.delays.push({
          start: s.start, end: s.end, label: s.label, speechEnd,
          delayMs: 1000 * (msg.position - speechEnd) + transit,
          runDelayMs: 1000 * (msg.position - s.end) + transit,
        });
      });
    } else this.render();
  }

  /** The last 20 s while recording: lanes with provisional labels, a live spectrogram. */
  render() {
    const { r } = this;
    const rec = this.recording;
    const span = 20;
    r.viewport.view = { start: Math.max(0, rec.position - span), span };
    r.el.time.textContent = `● ${fmtTime(rec.position)}`;
    r.lanes.render(rec.segments, r.viewport.view);
    r.spectrogram.requestLive(rec, r.audio.sampleRate);
  }

  /** Stops recording; resolves when the recording is analysed (or that failed). */
  async stop() {
    const { r } = this;
    const rec = this.recording;
    if (!rec) return;
    this.recording = null;
    rec.node.port.postMessage({ stop: true });
    rec.source.disconnect();
    rec.node.disconnect();
    for (const track of rec.stream.getTracks()) track.stop();
    r.el.record.textContent = '● Record';
    r.el.record.classList.remove('bysr-recording');
    r.el.stopRecord.hidden = true;
    return r.loader.analyseRecording(rec.id).catch(() => {});
  }

  /** Ends the microphone at once (the component is destroyed). */
  release() {
    if (this.recording) {
      for (const track of this.recording.stream.getTracks()) track.stop();
      this.recording = null;
    }
  }
}
