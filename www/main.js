// @ts-check
// The review page: a thin page over mountReviewer (reviewer.js). Opens with the bundled
// sample clip already analysed; files come from the file input or drag and drop.
// window.bystanderDemo exposes the controller for tests and curious users.
import { mountReviewer } from './reviewer.js';

const SAMPLE_URL = 'samples/sample.wav';
let sampleBlob = null; // kept, so that showing the sample again needs no request

function caption(el, clip) {
  el.replaceChildren();
  if (clip.source === 'sample') {
    el.append(
      'Sample: a simulated review clip (a near talker, a background talker and a TV voice, '
        + 'with brown noise) built from LibriSpeech recordings, CC BY 4.0, Panayotov et al.; '
        + 'modified: resampled, reverberated, mixed. ',
    );
    const a = document.createElement('a');
    a.href = 'samples/ATTRIBUTION.md';
    a.textContent = 'Attribution';
    el.append(a, '.');
  } else {
    el.append(`${clip.name} — decoded in this tab, never uploaded. `);
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'link-button';
    b.textContent = 'Show the bundled sample again';
    b.addEventListener('click', () => showSample());
    el.append(b);
  }
}

const reviewer = mountReviewer(document.getElementById('reviewer'), {
  ids: true,
  keyboard: document,
  dropTarget: window,
  stateTarget: document.body,
  caption,
});

async function showSample() {
  if (!sampleBlob) {
    const res = await fetch(SAMPLE_URL);
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${SAMPLE_URL}`);
    sampleBlob = await res.blob();
  }
  return reviewer.load({ file: sampleBlob, name: 'sample.wav', source: 'sample' });
}

window.bystanderDemo = { reviewer, showSample };

reviewer.ready.then(() => showSample()).catch((err) => console.warn(err.message));
