// @ts-check
// A review tool embedding bystander: mount once, load clip after clip, listen for edits,
// unmount. The clips here are the bundled sample and two made-up signals given as samples
// (a tool would pass Files from its queue, or decoded Float32Arrays).
import { mountReviewer } from './reviewer.js';

const reviewer = mountReviewer(document.getElementById('review'), {
  stateTarget: document.body,
  onChange: ({ reason, segments }) => {
    document.getElementById('changes').textContent =
      `${reason}: ${segments.length} segments\n${segments.map((s) => `${s.label} ${s.start.toFixed(2)}-${s.end.toFixed(2)}`).join('\n')}`;
  },
});

// A clip given as samples: 8 s of 440 Hz tone bursts at 22.05 kHz, stereo (any rate and
// channel count works; a tool would pass its own decoded audio).
function toneClip() {
  const rate = 22050;
  const left = new Float32Array(rate * 8);
  for (let i = 0; i < left.length; i++) left[i] = (Math.floor(i / rate) % 2 ? 0.3 : 0.03) * Math.sin((2 * Math.PI * 440 * i) / rate);
  return { audio: [left, left.map((x) => 0.8 * x)], sampleRate: rate, name: 'tones.wav' };
}

const sample = fetch('samples/sample.wav').then((r) => r.blob());
const queue = [
  async () => ({ file: await sample, name: 'sample.wav' }),
  async () => toneClip(),
];
let at = -1;

async function next() {
  at = (at + 1) % queue.length;
  const list = document.getElementById('queue');
  list.replaceChildren(...['sample.wav', 'tones.wav'].map((n, i) => {
    const li = document.createElement('li');
    li.textContent = n;
    if (i === at) li.setAttribute('aria-current', 'true');
    return li;
  }));
  await reviewer.load(await queue[at]());
}

document.getElementById('next').addEventListener('click', () => next().catch(() => {}));
document.getElementById('unmount').addEventListener('click', async () => {
  await reviewer.destroy();
});

window.bystanderEmbed = { reviewer, next };
reviewer.ready.then(next).catch(() => {});
