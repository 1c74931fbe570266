// The `bystander/reviewer` entry: the review component (the review page's reviewer.js) with
// `once` on its controller. Types: reviewer.d.ts. The CSS: `bystander/reviewer.css`.
import { mountReviewer as mount, defineReviewerElement, SHORTCUTS } from './reviewer.js';

export { defineReviewerElement, SHORTCUTS };

/**
 * Mounts a reviewer in `element` (see reviewer.d.ts).
 * @param {HTMLElement} element
 * @param {object} [options]
 */
export function mountReviewer(element, options = {}) {
  const controller = mount(element, options);
  /** Like `on`, for the next event only; returns the function that stops listening. */
  controller.once = (type, fn) => {
    const off = controller.on(type, (data) => {
      off();
      fn(data);
    });
    return off;
  };
  return controller;
}
