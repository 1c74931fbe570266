// The `bystander/reviewer` entry: the review component (the review page's reviewer.js) with
// `once` and the playback events 'play', 'pause' and 'timeupdate' on its controller. Types:
// reviewer.d.ts. The CSS: `bystander/reviewer.css`.
import { mountReviewer as mount, defineReviewerElement, SHORTCUTS } from './reviewer.js';
import { Emitter } from './reviewer/events.js';

export { defineReviewerElement, SHORTCUTS };

const PLAYBACK = new Set(['play', 'pause', 'timeupdate']);

/**
 * Mounts a reviewer in `element` (see reviewer.d.ts).
 * @param {HTMLElement} element
 * @param {object} [options]
 */
export function mountReviewer(element, options = {}) {
  const controller = mount(element, options);
  const on = controller.on;
  // Playback events: the controller's `playing` and `position` read once per animation frame,
  // only while someone listens (however playback was started: button, key or play()).
  const playback = new Emitter();
  let frame = 0;
  let wasPlaying = false;
  const watch = () => {
    const playing = controller.playing;
    const position = controller.position;
    if (playing !== wasPlaying) playback.emit(playing ? 'play' : 'pause', position);
    if (playing) playback.emit('timeupdate', position);
    wasPlaying = playing;
    frame = requestAnimationFrame(watch);
  };
  /** Listens for an event; returns the function that stops listening. */
  controller.on = (type, fn) => {
    if (!PLAYBACK.has(type)) return on(type, fn);
    const off = playback.on(type, fn);
    if (!frame) {
      wasPlaying = controller.playing;
      frame = requestAnimationFrame(watch);
    }
    return off;
  };
  /** Like `on`, for the next event only; returns the function that stops listening. */
  controller.once = (type, fn) => {
    const off = controller.on(type, (data) => {
      off();
      fn(data);
    });
    return off;
  };
  const destroy = controller.destroy;
  controller.destroy = () => {
    cancelAnimationFrame(frame);
    frame = 0;
    return destroy();
  };
  return controller;
}
