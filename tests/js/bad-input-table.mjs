// The bad-input table (docs/robustness.md), row by row, through the wasm package's JS API. Runs in Node
// (tests/js/bad-input.test.mjs) and in headless Chromium (the same module, loaded by
// tests/js/table.html). Every row expects either a thrown JS `Error` whose message names the
// field (and, for ranges, the allowed range), or a documented result; after every row the
// same instance must still analyse a clip correctly.
//
// `runTable(b, speech)` takes the package's exports and a speech clip and returns [{ row, outcome }]; it throws on the
// first row that does not behave.

const RATE = 16000;

function fail(row, msg) {
  throw new Error(`bad-input row "${row}": ${msg}`);
}

/** Calls fn; the row passes if it throws an Error whose message matches every pattern. */
function expectError(row, fn, ...patterns) {
  let result;
  try {
    result = fn();
  } catch (e) {
    if (!(e instanceof Error)) fail(row, `threw a non-Error: ${String(e)}`);
    for (const p of patterns) {
      if (!p.test(e.message)) fail(row, `message "${e.message}" does not match ${p}`);
    }
    return `Error: ${e.message}`;
  }
  fail(row, `did not throw (returned ${JSON.stringify(result)?.slice(0, 80)})`);
}

/** `speech` (16 kHz) repeated to `seconds` and resampled to `rate` (nearest sample). */
function voiced(speech, seconds, rate = RATE) {
  const x = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < x.length; i++) x[i] = speech[Math.floor((i * RATE) / rate) % speech.length];
  return x;
}

/** The check after every row: the instance still works and gives the same answer. */
function stillWorks(b, row, reference) {
  const r = b.analyze(reference.clip, RATE, {});
  if (JSON.stringify(r.segments) !== reference.segments) {
    fail(row, 'the module gave a different result after this row');
  }
}

/**
 * @param b the package's exports
 * @param speech a clip of real speech at 16 kHz (www/samples/sample.wav)
 */
export function runTable(b, speech) {
  const rows = [];
  const clip = voiced(speech, 6);
  const reference = { clip, segments: JSON.stringify(b.analyze(clip, RATE, {}).segments) };
  const row = (name, fn) => {
    let outcome;
    try {
      outcome = fn();
    } catch (e) {
      if (String(e.message).startsWith('bad-input row')) throw e;
      fail(name, `unexpected exception ${e?.constructor?.name}: ${e?.message}`);
    }
    stillWorks(b, name, reference);
    rows.push({ row: name, outcome });
  };

  row('empty input', () => [
    expectError('empty input', () => b.analyze(new Float32Array(0), RATE, {}), /no samples/),
    expectError('empty input', () => b.detectSpeech(new Float32Array(0), RATE, {}), /no samples/),
    expectError('empty input', () => b.spectrogram(new Float32Array(0), RATE, {}), /no samples/),
  ].join('; '));
  row('single sample', () => {
    const r = b.analyze(new Float32Array([0.5]), RATE, {});
    if (r.segments.length !== 0 || r.duration !== 1 / RATE) fail('single sample', JSON.stringify(r.segments));
    const s = b.spectrogram(new Float32Array([0.5]), RATE, {});
    if (s.frames !== 1) fail('single sample', `${s.frames} spectrogram frames`);
    return 'no segments; 1 spectrogram frame';
  });
  row('NaN, +Inf, -Inf samples', () => {
    const x = new Float32Array(clip);
    x[10] = NaN;
    x[20] = Infinity;
    x[30] = -Infinity;
    const r = b.analyze(x, RATE, {});
    if (!r.warnings.some((w) => /3 samples were NaN or infinite/.test(w))) fail('NaN', JSON.stringify(r.warnings));
    const s = b.spectrogram(x, RATE, {});
    if (!s.data.every(Number.isFinite) || s.warnings.length !== 1) fail('NaN', 'spectrogram not finite or no warning');
    return `treated as silence; warning "${r.warnings[0]}"`;
  });
  for (const [name, value] of [
    ['all-zero input', 0],
    ['subnormal samples', 1.4e-45],
    ['DC offset', 0.5],
  ]) {
    row(name, () => {
      const r = b.analyze(new Float32Array(2 * RATE).fill(value), RATE, {});
      if (r.segments.length !== 0 || r.speech.length !== 0) fail(name, JSON.stringify(r.segments));
      return 'no speech, no segments';
    });
  }
  row('full-scale square wave and clipping', () => {
    const square = new Float32Array(2 * RATE).map((_, i) => ((i >> 5) & 1 ? 1 : -1));
    const clipped = clip.map((v) => Math.max(-1, Math.min(1, v * 30)));
    for (const x of [square, clipped]) {
      const r = b.analyze(x, RATE, {});
      if (!r.foregroundProbability.every((p) => p >= 0 && p <= 1)) fail('square', 'probability out of range');
    }
    return 'valid report (probabilities in [0, 1])';
  });
  for (const rate of [0, -16000, 1, 7999, 16000.5, NaN, 384001]) {
    row(`sample rate ${rate}`, () => [
      expectError(`rate ${rate}`, () => b.analyze(clip, rate, {}), /unsupported sample rate/, /8000\.\.=384000/),
      expectError(`rate ${rate}`, () => new b.AnalyzerStream(rate, {}), /unsupported sample rate/),
    ].join('; '));
  }
  for (const rate of [8000, 11025, 22050, 44100, 48000, 96000, 192000, 384000]) {
    row(`sample rate ${rate}`, () => {
      const x = voiced(speech, 6, rate);
      const r = b.analyze(x, rate, {});
      if (r.speech.length === 0) fail(`rate ${rate}`, 'no speech found');
      return `${r.speech.length} speech segments`;
    });
  }
  for (const [name, options, ...patterns] of [
    ['nFft 0', { nFft: 0 }, /nFft/, /2\.\.=65536/],
    ['nFft 2^30', { nFft: 2 ** 30 }, /nFft/, /2\.\.=65536/],
    ['nFft 512.5', { nFft: 512.5 }, /nFft/, /integer/],
    ['hopLength 0', { hopLength: 0 }, /hopLength/, /1\.\.=/],
    ['winLength > nFft', { nFft: 256, winLength: 512 }, /winLength/, /1\.\.=256/],
    ['unknown option', { nfft: 512 }, /unknown option `nfft`/, /nFft/],
    ['wrong type', { nFft: '512' }, /nFft/, /got a string/],
    ['object value', { nFft: { n: 512 } }, /nFft/, /number, boolean, string or null/],
    ['options not an object', 42, /plain object/],
  ]) {
    row(`spectrogram option: ${name}`, () => expectError(name, () => b.spectrogram(clip, RATE, options), ...patterns));
  }
  row('hopLength > nFft', () => {
    const s = b.spectrogram(clip, RATE, { nFft: 256, hopLength: 1000 });
    if (s.frames !== 1 + Math.floor(clip.length / 1000)) fail('hop > nFft', `${s.frames} frames`);
    return `allowed (librosa): ${s.frames} frames, samples between frames skipped`;
  });
  for (const [name, options, ...patterns] of [
    ['negative threshold', { threshold: -0.5 }, /threshold/, /\(0, 1\)/],
    ['negative backgroundThreshold', { backgroundThreshold: -1 }, /backgroundThreshold/],
    ['NaN switchPenalty', { switchPenalty: NaN }, /switchPenalty/],
    ['negative minLabelMs', { minLabelMs: -5 }, /minLabelMs/],
    ['unknown analyser option', { speechThreshold: 0.5 }, /unknown option `speechThreshold`/],
    ['boolean threshold', { threshold: true }, /threshold/],
  ]) {
    row(`analyser option: ${name}`, () => [
      expectError(name, () => b.analyze(clip, RATE, options), ...patterns),
      expectError(name, () => new b.AnalyzerStream(RATE, options), ...patterns),
    ].join('; '));
  }
  row('null and undefined options', () => {
    const a = b.analyze(clip, RATE, null);
    const c = b.analyze(clip, RATE, undefined);
    const d = b.analyze(clip, RATE, { threshold: undefined });
    if (JSON.stringify(a.segments) !== reference.segments || JSON.stringify(c.segments) !== reference.segments ||
        JSON.stringify(d.segments) !== reference.segments) fail('null options', 'not the defaults');
    return 'defaults';
  });
  row('blocks of 0, 1, 127, 128, 1 000 000 samples in any order', () => {
    const x = voiced(speech, 70);
    const batch = JSON.stringify(b.analyze(x, RATE, {}).segments);
    for (const sizes of [[0, 1, 127, 128, 1_000_000], [1_000_000, 128, 0, 127, 1], [128]]) {
      const s = new b.AnalyzerStream(RATE, {});
      let at = 0;
      for (let k = 0; at < x.length; k++) {
        const n = Math.min(sizes[k % sizes.length], x.length - at);
        s.push(x.subarray(at, at + n));
        at += n;
      }
      const streamed = JSON.stringify(s.finish().segments);
      s.free();
      if (streamed !== batch) fail('blocks', `sizes ${sizes}: stream differs from batch`);
    }
    return 'same segments as one batch call';
  });
  row('push after finish', () => {
    const out = [];
    const s = new b.AnalyzerStream(RATE, {});
    s.push(clip);
    s.finish();
    out.push(expectError('push after finish', () => s.push(clip), /push after finish/));
    out.push(expectError('finish twice', () => s.finish(), /finish called twice/));
    out.push(expectError('report after finish', () => s.report(), /report after finish/));
    s.free();
    const v = new b.VoiceActivityStream(RATE, {});
    v.finish();
    out.push(expectError('vad push after finish', () => v.push(clip), /after finish/));
    v.free();
    const sp = new b.SpectrogramStream(RATE, {});
    sp.finish();
    out.push(expectError('spectrogram push after finish', () => sp.push(clip), /after finish/));
    sp.free();
    return out.join('; ');
  });
  row('methods on a freed object', () => {
    const s = new b.AnalyzerStream(RATE, {});
    s.free();
    const out = [expectError('freed push', () => s.push(clip), /null pointer|freed|moved/i)];
    out.push(expectError('freed finish', () => s.finish(), /null pointer|freed|moved/i));
    const sp = new b.SpectrogramStream(RATE, {});
    sp.free();
    out.push(expectError('freed spectrogram', () => sp.push(clip), /null pointer|freed|moved/i));
    return out.join('; ');
  });
  row('audio files that are not audio, cut or corrupt (AudioFileDecoder, AudioPacketReader)', () => {
    const bytes = (...parts) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
    const out = [];
    for (const [name, file, pattern] of [
      ['empty file', new Uint8Array(0), /empty file/],
      ['text', bytes('Meeting notes: not audio at all.\n'), /not an audio file/],
      ['WAV header cut in fmt', bytes('RIFF', [36, 0, 0, 0], 'WAVEfmt ', [16, 0, 0, 0], [1, 0]), /truncated WAV header/],
      ['FLAC signature only', bytes('fLaC', [0, 0, 0, 34]), /cannot decode audio/],
      ['MP4', bytes([0, 0, 0, 24], 'ftypM4A ', [0, 0, 0, 0], 'M4A isom'), /MP4\/M4A audio/],
    ]) {
      out.push(expectError(name, () => new b.AudioFileDecoder(file), /cannot decode audio/, pattern));
    }
    // Random bytes behind each format's signature: an Error, or some (or no) audio; never a
    // trap (a Rust panic would be a WebAssembly.RuntimeError and could leave the module broken).
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 255;
    let opened = 0;
    let refused = 0;
    for (let k = 0; k < 120; k++) {
      const head = [bytes('fLaC'), bytes('OggS', [0, 2]), bytes([0xff, 0xfb, 0x90, 0x64]), bytes('ID3', [4, 0, 0, 0, 0, 0, 10]),
        bytes('RIFF', [200, 0, 0, 0], 'WAVEfmt ', [16, 0, 0, 0], [2, 0, 1, 0, 0x40, 0x1f, 0, 0])][k % 5];
      const file = new Uint8Array(head.length + 50 + 40 * k);
      file.set(head);
      for (let i = head.length; i < file.length; i++) file[i] = rand();
      try {
        const d = new b.AudioFileDecoder(file);
        opened++;
        try {
          while (d.nextChunk(4096)) { /* decode to the end */ }
        } catch (e) {
          if (!(e instanceof Error) || e instanceof WebAssembly.RuntimeError) throw e;
        }
        d.free();
      } catch (e) {
        if (!(e instanceof Error) || e instanceof WebAssembly.RuntimeError) fail('random bytes', `${e?.constructor?.name}: ${e?.message}`);
        if (!/cannot decode audio/.test(e.message)) fail('random bytes', `message "${e.message}"`);
        refused++;
      }
    }
    out.push(`120 random files behind FLAC/Ogg/MP3/ID3/WAV signatures: ${refused} refused with an Error, ${opened} opened and read to the end`);
    // The packet reader (Ogg, MP4 for WebCodecs) on the same kinds of input.
    out.push(expectError('packets of an empty file', () => new b.AudioPacketReader(new Uint8Array(0)), /empty file/));
    out.push(expectError('packets of text', () => new b.AudioPacketReader(bytes('not audio at all, just text\n')), /not an audio file/));
    let packetFiles = 0;
    for (let k = 0; k < 60; k++) {
      const head = [bytes('OggS', [0, 2]), bytes([0, 0, 0, 24], 'ftypM4A ', [0, 0, 0, 0], 'M4A isom')][k % 2];
      const file = new Uint8Array(head.length + 100 + 50 * k);
      file.set(head);
      for (let i = head.length; i < file.length; i++) file[i] = rand();
      try {
        const r = new b.AudioPacketReader(file);
        try {
          while (r.nextPacket()) { /* read to the end */ }
        } catch (e) {
          if (!(e instanceof Error) || e instanceof WebAssembly.RuntimeError) throw e;
        }
        r.free();
      } catch (e) {
        if (!(e instanceof Error) || e instanceof WebAssembly.RuntimeError) fail('random packets', `${e?.constructor?.name}: ${e?.message}`);
      }
      packetFiles++;
    }
    out.push(`${packetFiles} random files behind Ogg/MP4 signatures through AudioPacketReader: no trap`);
    return out.join('; ');
  });
  row('samples not a Float32Array', () => {
    const plain = Array.from(clip);
    const r = b.analyze(plain, RATE, {});
    if (JSON.stringify(r.segments) !== reference.segments) fail('plain array', 'differs from Float32Array');
    return 'arrays of numbers are converted like a Float32Array';
  });
  return rows;
}
