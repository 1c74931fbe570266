// The `bystander/wavesurfer` entry: a report's segments as wavesurfer.js Regions coloured by
// label, and background speech muted while wavesurfer plays. Types: wavesurfer.d.ts. The
// host passes its own WaveSurfer and Regions plugin instances: the package imports nothing
// of wavesurfer.js (any version with the v7+ `on`/`setMuted`/`addRegion` API).

/** Region colours: the review page's Okabe-Ito lane colours, translucent. */
export const LABEL_COLOURS = Object.freeze({
  foreground: 'rgba(0, 114, 178, 0.25)',
  background: 'rgba(230, 159, 0, 0.35)',
});

/**
 * Adds one region per segment and, with `muteBackground` (default true), mutes wavesurfer
 * while the playhead is inside a background segment. Muting follows wavesurfer's
 * `timeupdate` (once per animation frame while playing), so it starts up to a frame late;
 * the review component's own player mutes sample-exactly.
 * @param {import('./wavesurfer.d.ts').WaveSurferLike} wavesurfer
 * @param {import('./wavesurfer.d.ts').RegionsLike} regions the registered Regions plugin
 * @param {{ segments: import('./index.d.ts').LabelledSegment[] } | import('./index.d.ts').LabelledSegment[]} report
 * @param {import('./wavesurfer.d.ts').AttachOptions} [options]
 */
export function attachToWaveSurfer(wavesurfer, regions, report, options = {}) {
  const segments = Array.isArray(report) ? report : report.segments;
  const colours = { ...LABEL_COLOURS, ...options.colours };
  const added = segments.map((s, i) => regions.addRegion({
    id: `bystander-${i}`, start: s.start, end: s.end, color: colours[s.label],
    content: options.content === false ? undefined : s.label, drag: Boolean(options.editable), resize: Boolean(options.editable),
  }));
  const background = segments.filter((s) => s.label === 'background').map((s) => [s.start, s.end]);
  let mute = options.muteBackground ?? true;
  const hostMuted = wavesurfer.getMuted();
  let muted = false;
  const inBackground = (t) => background.some(([a, b]) => t >= a && t < b);
  const update = () => {
    const want = mute && inBackground(wavesurfer.getCurrentTime());
    if (want !== muted) {
      muted = want;
      wavesurfer.setMuted(want || hostMuted);
    }
  };
  const offs = [wavesurfer.on('timeupdate', update), wavesurfer.on('play', update), wavesurfer.on('seeking', update)];
  update();
  return {
    regions: added,
    /** Whether playback is muted now because the playhead is in background speech. */
    get muted() { return muted; },
    setMuteBackground(on) {
      mute = Boolean(on);
      update();
    },
    /** Removes the regions and the listeners; restores the host's mute state. */
    destroy() {
      for (const off of offs) off();
      for (const r of added) r.remove();
      if (muted) wavesurfer.setMuted(hostMuted);
      muted = false;
    },
  };
}
