// @ts-check
// The reviewer's elements: toolbar (with the privacy, view, export and more menus), progress,
// overview, spectrogram, lanes, help.
// Built once per component (class names `bysr-*`; ids too with the `ids` option); the
// controls call the reviewer's actions.
import { FORMATS } from '../exports.js';
import { h, errorText } from './dom.js';
import { IMAGE_HEIGHT } from './spectrogram.js';

export const SHORTCUTS = [
  ['Space', 'play / pause'],
  ['← / →', 'seek 1 s back / forward (Shift: 5 s)'],
  ['n / p', 'next / previous segment'],
  ['f / b', 'next foreground / background segment (Shift: previous)'],
  ['x', 'flip the label of the current segment'],
  ['] / [', 'next / previous clip of the queue'],
  ['a / !', 'verdict: accept / needs fix (again: none)'],
  ['r', 'reveal / hide the current background segment on the spectrogram'],
  ['m / s', 'mute background on / off; skip background on / off'],
  ['o', '⚠ overlaps (foreground with background under it): audible → lowered → muted'],
  ['+ / − / 0', 'zoom in / out / whole clip'],
  ['Ctrl+Z / Ctrl+Shift+Z (or u)', 'undo / redo'],
  ['?', 'this help; Esc closes it'],
];

/**
 * Builds the component's elements in `r.root` and returns them by name.
 * @param {import('../reviewer.js').Reviewer} r
 */
export function buildElements(r) {
  const ids = r.opts.ids;
  const id = (name) => (ids ? name : null);
  const el = {};
  /** @param {string} name @param {boolean} checked @param {string} key */
  const checkbox = (name, checked, key) => {
    const input = h('input', { type: 'checkbox', class: `bysr-${name}`, id: id(name), checked });
    input.addEventListener('change', () => r.privacy.set({ [key]: input.checked }));
    return input;
  };
  /** @param {HTMLInputElement} input @param {string} label */
  const check = (input, label) => h('label', { class: 'bysr-check' }, input, ` ${label}`);
  el.muteBackground = checkbox('mute-background', true, 'mute');
  el.skipBackground = checkbox('skip-background', false, 'skip');
  el.hideBackground = checkbox('hide-background', true, 'hide');
  el.overlapLowerOption = h('option', { value: 'lower', text: 'lowered by 20 dB' });
  el.overlapPolicy = h('select', { class: 'bysr-overlap-policy', id: id('overlap-policy') },
    h('option', { value: 'audible', text: 'audible (the command is kept)' }), el.overlapLowerOption,
    h('option', { value: 'mute', text: 'muted too (strict privacy)' }));
  el.overlapPolicy.addEventListener('change', () => r.privacy.set({ overlap: /** @type {any} */ (el.overlapPolicy.value) }));
  el.overlapGain = h('input', { type: 'number', class: 'bysr-overlap-gain', id: id('overlap-gain-db'), min: -60, max: 0, step: 1, value: -20, 'aria-label': 'Level of lowered overlaps (dB)' });
  el.overlapGain.addEventListener('change', () => r.privacy.set({ overlapGainDb: Number(el.overlapGain.value) }));
  el.file = h('input', { type: 'file', class: 'bysr-file', id: id('file'), multiple: true, accept: 'audio/*,video/webm,.wav,.mp3,.flac,.ogg,.opus,.m4a,.webm' });
  el.file.addEventListener('change', () => {
    const files = [...(el.file.files ?? [])];
    el.file.value = '';
    r.queue.open(files).catch(() => {});
  });
  el.importFile = h('input', { type: 'file', class: 'bysr-import-file', id: id('import-file'), accept: '.json,application/json' });
  el.importFile.addEventListener('change', async () => {
    const f = el.importFile.files && el.importFile.files[0];
    el.importFile.value = '';
    if (f) {
      try {
        r.importReport(await f.text());
      } catch (err) {
        r.alert(`Could not import ${f.name}: ${errorText(err)}`);
      }
    }
  });
  el.play = h('button', { type: 'button', class: 'bysr-play', id: id('play'), 'aria-keyshortcuts': 'Space', text: '▶ Play', onclick: () => r.transport.toggle() });
  el.record = h('button', { type: 'button', class: 'bysr-record', id: id('record'), text: '● Record', onclick: () => r.toggleRecord() });
  // While recording, a stop button in the main row (the record button is in the More menu).
  el.stopRecord = h('button', { type: 'button', class: 'bysr-stop-record bysr-recording', id: id('stop-record'), text: '■ Stop recording', hidden: true, onclick: () => r.toggleRecord() });
  el.time = h('span', { class: 'bysr-time', id: id('time'), 'aria-live': 'off', text: '0:00.0 / 0:00.0' });
  el.rate = h('select', { class: 'bysr-rate', id: id('rate'), 'aria-label': 'Playback rate' },
    ...[0.5, 0.75, 1, 1.25, 1.5, 2].map((r) => h('option', { value: r, selected: r === 1, text: `${r}×` })));
  el.rate.addEventListener('change', () => r.transport.setRate(Number(el.rate.value)));
  el.loop = h('input', { type: 'checkbox', class: 'bysr-loop', id: id('loop') });
  el.loop.addEventListener('change', () => r.transport.setLoop(el.loop.checked));
  el.undo = h('button', { type: 'button', class: 'bysr-undo', id: id('undo'), text: '↶ Undo', disabled: true, onclick: () => r.undo() });
  el.reveal = h('button', { type: 'button', class: 'bysr-reveal', id: id('reveal'), text: 'Reveal selected', disabled: true, onclick: () => r.privacy.toggleReveal() });
  el.exportFormat = h('select', { class: 'bysr-export-format', id: id('export-format'), 'aria-label': 'Export format' },
    ...Object.entries(FORMATS).map(([k, [label]]) => h('option', { value: k, text: label })));
  el.exportButton = h('button', { type: 'button', class: 'bysr-export', id: id('export'), text: 'Export', onclick: () => r.download(el.exportFormat.value) });
  el.exportQueue = h('button', { type: 'button', class: 'bysr-export-queue', id: id('export-queue'), text: 'Export queue', onclick: () => r.download('queue') });
  el.privacyBadge = h('span', { class: 'bysr-privacy-badge', id: id('privacy-badge'), role: 'status', title: 'What playback does with background speech (m: mute, s: skip)' });
  el.overlapBadge = h('span', { class: 'bysr-overlap-badge', id: id('overlap-badge'), hidden: true, title: 'Foreground speech with background speech under it (⚠)' });
  el.help = h('button', { type: 'button', class: 'bysr-help-button', 'aria-keyshortcuts': '?', 'aria-label': 'Keyboard shortcuts', title: 'Keyboard shortcuts (?)', text: '?', onclick: () => r.toggleHelp() });
  el.build = h('p', { class: 'bysr-build', id: id('build-info') });

  const control = (label, input) => h('label', { class: 'bysr-setting' }, h('span', { text: label }), input);
  el.colormap = h('select', { class: 'bysr-colormap', id: id('colormap') },
    ...['viridis', 'magma', 'gray'].map((v) => h('option', { value: v, text: v })));
  el.scale = h('select', { class: 'bysr-scale', id: id('frequency-scale') },
    ...['linear', 'mel', 'log'].map((v) => h('option', { value: v, text: v })));
  el.range = h('input', { type: 'range', class: 'bysr-range', id: id('range-db'), min: 40, max: 120, step: 5, value: 80, 'aria-label': 'Spectrogram range (dB)' });
  el.gain = h('input', { type: 'range', class: 'bysr-gain', id: id('gain-db'), min: -20, max: 60, step: 1, value: 20, 'aria-label': 'Spectrogram gain (dB)' });
  el.rangeOut = h('output', { text: '80 dB' });
  el.gainOut = h('output', { text: '20 dB' });
  for (const c of [el.colormap, el.scale, el.range, el.gain]) {
    c.addEventListener(c.tagName === 'SELECT' ? 'change' : 'input', () => r.readDisplay());
  }

  /**
   * A compact menu: a <details> whose summary is the button and whose panel floats under it
   * (menus.js keeps one open at a time, inside the window, and closes it on Esc or a click
   * elsewhere).
   * @param {string} name @param {(Node | string)[]} summary @param {(Node | string | null)[]} items
   */
  const menu = (name, summary, items, label) => h('details', { class: `bysr-menu bysr-menu-${name}`, id: id(`${name}-menu`) },
    h('summary', { class: 'bysr-menu-button', 'aria-label': label ?? null }, ...summary),
    h('div', { class: 'bysr-menu-panel', role: 'group', 'aria-label': label ?? null }, ...items));
  el.privacyMenu = menu('privacy', [el.privacyBadge, el.overlapBadge, h('span', { class: 'bysr-caret', 'aria-hidden': 'true', text: '▾' })], [
    h('p', { class: 'bysr-menu-title', text: 'Background speech in playback' }),
    check(el.muteBackground, 'Mute it (m)'),
    check(el.skipBackground, 'Skip it (s)'),
    h('label', { class: 'bysr-setting' }, h('span', { text: '⚠ Foreground speech with background under it:' }), el.overlapPolicy),
    h('label', { class: 'bysr-setting bysr-setting-row' }, h('span', { text: 'Lowered overlaps play at' }), el.overlapGain, h('span', { text: 'dB' })),
    check(el.hideBackground, 'Blur background on the spectrogram'),
    h('p', { class: 'bysr-menu-note', text: 'The redacted WAV export uses the same policy.' }),
  ], 'Privacy');
  el.settings = menu('view', ['View ', h('span', { class: 'bysr-caret', 'aria-hidden': 'true', text: '▾' })], [
    control('Colour map', el.colormap), control('Frequency scale', el.scale),
    h('label', { class: 'bysr-setting' }, h('span', {}, 'Range ', el.rangeOut), el.range),
    h('label', { class: 'bysr-setting' }, h('span', {}, 'Gain ', el.gainOut), el.gain),
  ], 'Spectrogram settings');
  el.exportMenu = menu('export', ['Export ', h('span', { class: 'bysr-caret', 'aria-hidden': 'true', text: '▾' })], [
    h('div', { class: 'bysr-menu-row' }, el.exportFormat, el.exportButton),
    el.exportQueue,
    h('label', { class: 'bysr-open' }, h('span', { text: 'Import JSON…' }), el.importFile),
  ], 'Export and import');
  el.moreMenu = menu('more', ['More ', h('span', { class: 'bysr-caret', 'aria-hidden': 'true', text: '▾' })], [
    el.record,
    h('p', { class: 'bysr-menu-note', text: 'Records from the microphone in this tab; labels appear as you speak.' }),
  ], 'More');
  // Without recording the More menu has nothing in it.
  if (r.opts.record === false) el.moreMenu.hidden = true;

  el.toolbar = h('div', { class: 'bysr-toolbar', role: 'toolbar', 'aria-label': 'Reviewer' },
    h('div', { class: 'bysr-group' },
      h('label', { class: 'bysr-open' }, h('span', { text: 'Open audio…' }), el.file), el.stopRecord,
      el.play, el.time, el.rate,
      h('label', { class: 'bysr-check', title: 'Loop' }, el.loop, ' Loop')),
    h('div', { class: 'bysr-group' },
      h('button', { type: 'button', class: 'bysr-zoom-out', 'aria-label': 'Zoom out', text: '−', onclick: () => r.zoom(2) }),
      h('button', { type: 'button', class: 'bysr-zoom-in', 'aria-label': 'Zoom in', text: '+', onclick: () => r.zoom(0.5) }),
      h('button', { type: 'button', class: 'bysr-zoom-fit', text: 'Fit', onclick: () => r.fit() }),
      el.undo, el.reveal),
    h('div', { class: 'bysr-group bysr-menus' }, el.privacyMenu, el.settings, el.exportMenu, el.moreMenu, el.help));

  el.progressBar = h('progress', { class: 'bysr-progress-bar', max: 1, value: 0 });
  el.progressText = h('span', { class: 'bysr-progress-text', 'aria-live': 'polite' });
  el.cancel = h('button', { type: 'button', class: 'bysr-cancel', id: id('cancel'), text: 'Cancel', onclick: () => r.cancel() });
  el.progress = h('div', { class: 'bysr-progress', id: id('progress'), hidden: true }, el.progressBar, el.progressText, el.cancel);
  el.alert = h('div', { class: 'bysr-alert', id: id('alert'), role: 'alert', hidden: true });
  el.warning = h('div', { class: 'bysr-warning bysr-none', id: id('overlap-warning'), role: 'status' });
  el.status = h('p', { class: 'bysr-status', id: id('status'), 'aria-live': 'polite', text: 'Loading the analyser…' });
  el.privacyLine = h('p', { class: 'bysr-privacy-line', id: id('privacy-line'), 'aria-live': 'polite' });

  // Overview (waveform of the whole clip, the visible window, the playhead).
  el.overview = h('canvas', { class: 'bysr-overview', id: id('overview'), height: 48, 'aria-label': 'Waveform of the whole clip; click or drag to move the view' });
  el.window = h('div', { class: 'bysr-window' });
  el.overviewHead = h('div', { class: 'bysr-playhead' });
  el.overviewWrap = h('div', { class: 'bysr-overview-wrap' }, el.overview, el.window, el.overviewHead);

  el.timeAxis = h('div', { class: 'bysr-time-axis', id: id('time-axis'), 'aria-hidden': 'true' });
  el.freqAxis = h('div', { class: 'bysr-freq-axis', id: id('freq-axis'), 'aria-hidden': 'true' });
  el.canvas = h('canvas', { class: 'bysr-spectrogram', id: id('spectrogram'), width: 1, height: IMAGE_HEIGHT, role: 'img', 'aria-label': 'Spectrogram' });
  el.specHead = h('div', { class: 'bysr-playhead' });
  el.canvasWrap = h('div', { class: 'bysr-canvas-wrap' }, el.canvas, el.specHead);
  el.lanes = h('div', { class: 'bysr-lanes', id: id('lanes'), role: 'list', 'aria-label': 'Foreground and background speech' },
    el.laneCanvas = h('canvas', { class: 'bysr-lanes-canvas', 'aria-hidden': 'true' }),
    h('div', { class: 'bysr-lane', dataset: { lane: 'foreground' } }),
    h('div', { class: 'bysr-lane', dataset: { lane: 'background' } }),
    el.lanesHead = h('div', { class: 'bysr-playhead' }));
  el.tip = h('div', { class: 'bysr-tip', role: 'tooltip', id: id('segment-tip'), hidden: true });
  el.plot = h('div', { class: 'bysr-plot' },
    h('div', { class: 'bysr-freq-title', 'aria-hidden': 'true', text: 'kHz' }),
    el.freqAxis, el.canvasWrap,
    h('div', { class: 'bysr-lane-names', 'aria-hidden': 'true' }, h('span', { text: 'fg', title: 'foreground' }), h('span', { text: 'bg', title: 'background' })),
    el.lanes, el.timeAxis,
    h('p', { class: 'bysr-legend' },
      h('span', { class: 'bysr-swatch bysr-swatch-fg' }), 'foreground (device-directed) ',
      h('span', { class: 'bysr-swatch bysr-swatch-bg' }), 'background (other talkers, TV) ',
      h('span', { class: 'bysr-swatch bysr-swatch-ov' }), '⚠ background under foreground ',
      h('span', { class: 'bysr-swatch bysr-swatch-hidden' }), 'blurred background'));

  el.helpList = h('dl', { class: 'bysr-keys' }, ...SHORTCUTS.flatMap(([k, d]) => [h('dt', { text: k }), h('dd', { text: d })]));
  el.helpDialog = h('div', { class: 'bysr-help', id: id('help'), role: 'dialog', 'aria-modal': 'false', 'aria-label': 'Keyboard shortcuts', hidden: true },
    h('div', { class: 'bysr-help-card' }, h('h3', { text: 'Keyboard shortcuts' }), el.helpList,
      h('p', { class: 'bysr-help-note', text: 'Drag the ends of a segment to move them. Nothing you do here leaves this page.' }),
      h('button', { type: 'button', text: 'Close', onclick: () => r.toggleHelp(false) })));

  // The queue: verdict and note of the clip on show, the summary, the clips.
  el.verdictAccept = h('button', { type: 'button', class: 'bysr-verdict-accept', id: id('verdict-accept'), 'aria-keyshortcuts': 'a', 'aria-pressed': 'false', text: '✓ Accept', onclick: () => r.queue.setVerdict('accept') });
  el.verdictFix = h('button', { type: 'button', class: 'bysr-verdict-fix', id: id('verdict-fix'), 'aria-keyshortcuts': '!', 'aria-pressed': 'false', text: '! Needs fix', onclick: () => r.queue.setVerdict('needs-fix') });
  el.note = h('textarea', { class: 'bysr-note', id: id('note'), rows: 1, placeholder: 'Note on this clip', 'aria-label': 'Note on this clip' });
  el.note.addEventListener('input', () => r.queue.setNote(el.note.value));
  el.queueSummary = h('p', { class: 'bysr-queue-summary', id: id('queue-summary'), 'aria-live': 'polite' });
  el.queueList = h('ol', { class: 'bysr-queue-list', id: id('queue-list'), 'aria-label': 'Clips' });
  // The bar sits above the views from the start (it never moves them); the list under them.
  el.queueBar = h('div', { class: 'bysr-queue-bar', id: id('queue-bar'), role: 'group', 'aria-label': 'Review of this clip' },
    h('button', { type: 'button', class: 'bysr-prev-clip', 'aria-keyshortcuts': '[', text: '[ Prev', title: 'Previous clip ([)', onclick: () => r.queue.move(-1) }),
    h('button', { type: 'button', class: 'bysr-next-clip', 'aria-keyshortcuts': ']', text: 'Next ]', title: 'Next clip (])', onclick: () => r.queue.move(1) }),
    el.verdictAccept, el.verdictFix, el.note, el.queueSummary);
  el.queue = h('section', { class: 'bysr-queue', id: id('queue'), 'aria-label': 'Review queue', hidden: true }, el.queueList);

  el.drop = h('div', { class: 'bysr-drop', 'aria-hidden': 'true' }, h('p', { text: 'Drop audio files to review them' }));
  el.caption = h('p', { class: 'bysr-caption', id: id('caption') });
  r.root.classList.add('bysr');
  if (!r.root.hasAttribute('tabindex')) r.root.tabIndex = -1;
  // The progress bar sits over the status line and the overlap warning keeps its line:
  // showing or hiding them never moves the views (no relayout of the whole component).
  r.root.replaceChildren(el.toolbar, el.queueBar, el.alert,
    h('div', { class: 'bysr-head' }, el.status, el.privacyLine, el.progress), el.warning,
    el.overviewWrap, el.plot, el.queue, el.caption, el.build, el.helpDialog, el.tip, el.drop);
  return el;
}

/** @typedef {ReturnType<typeof buildElements>} Elements */
