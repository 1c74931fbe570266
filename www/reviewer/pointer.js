// @ts-check
// The component's pointer and other input wiring: drag and drop of files, clicks and the
// wheel on the spectrogram, dragging the overview's window, the lanes' tooltips, selection
// and edge handles, the shortcuts' key listener, the unsaved-reviews guard on closing the
// tab, and the sizes of the views.
import { onKey } from './keyboard.js';

/**
 * @param {import('../reviewer.js').Reviewer} r
 */
export function wire(r) {
  const el = r.el;
  /** Listens on a target that may be outside the component (removed by destroy()). */
  const listen = (target, type, fn, opts) => {
    target.addEventListener(type, fn, opts);
    r.cleanups.push(() => target.removeEventListener(type, fn, opts));
  };
  const keyTarget = r.opts.keyboard ?? r.root;
  listen(keyTarget, 'keydown', (e) => onKey(r, e));
  // Closing the tab with reviews not yet exported asks first (the queue is in memory only).
  listen(window, 'beforeunload', (/** @type {BeforeUnloadEvent} */ e) => {
    if (r.queue.unsaved && r.queue.reviewCount()) {
      e.preventDefault();
      e.returnValue = '';
    }
  });

  // Drag and drop anywhere on the component (the page passes its window as dropTarget).
  const dropTarget = r.opts.dropTarget ?? r.root;
  let depth = 0;
  const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
  listen(dropTarget, 'dragenter', (e) => { if (hasFiles(e)) { e.preventDefault(); depth++; r.root.classList.add('bysr-dragging'); } });
  listen(dropTarget, 'dragover', (e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; } });
  listen(dropTarget, 'dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) r.root.classList.remove('bysr-dragging'); });
  listen(dropTarget, 'drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    r.root.classList.remove('bysr-dragging');
    r.queue.open([...e.dataTransfer.files]).catch(() => {});
  });

  // Spectrogram: click seeks (and selects the segment there); Ctrl+wheel zooms, Shift+wheel
  // or a horizontal wheel scrolls.
  el.canvasWrap.addEventListener('click', (e) => {
    if (!r.clip) return;
    const t = r.viewport.timeAtX(e.clientX, el.canvasWrap);
    r.select(r.segmentAt(t), false);
    r.transport.seek(t);
  });
  el.canvasWrap.addEventListener('wheel', (e) => {
    if (!r.clip) return;
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      r.zoom(Math.exp(e.deltaY * 0.002), r.viewport.timeAtX(e.clientX, el.canvasWrap));
    } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      e.preventDefault();
      const d = (e.shiftKey ? e.deltaY : e.deltaX) / el.canvasWrap.clientWidth;
      r.viewport.setView(r.viewport.view.start + d * r.viewport.view.span, r.viewport.view.span);
    }
  }, { passive: false });

  // Overview: click or drag moves the visible window.
  let dragging = false;
  const moveTo = (e) => {
    const box = el.overview.getBoundingClientRect();
    const t = ((e.clientX - box.left) / box.width) * r.clip.duration;
    r.viewport.setView(t - r.viewport.view.span / 2, r.viewport.view.span);
  };
  el.overviewWrap.addEventListener('pointerdown', (e) => {
    if (!r.clip) return;
    dragging = true;
    el.overviewWrap.setPointerCapture(e.pointerId);
    moveTo(e);
  });
  el.overviewWrap.addEventListener('pointermove', (e) => { if (dragging) moveTo(e); });
  el.overviewWrap.addEventListener('pointerup', () => { dragging = false; });

  // Lanes: segment hover/focus tooltips, click selects, handles drag the edges.
  /** @param {Event} e */
  const targetOf = (e) => /** @type {HTMLElement} */ (e.target);
  el.lanes.addEventListener('pointerover', (e) => { const s = r.lanes.segOf(e.target); if (s) r.lanes.showTip(s, targetOf(e)); });
  el.lanes.addEventListener('pointerout', (e) => { if (r.lanes.segOf(e.target) && document.activeElement !== e.target) r.lanes.hideTip(); });
  el.lanes.addEventListener('focusin', (e) => {
    const s = r.lanes.segOf(e.target);
    if (!s) return;
    const seg = /** @type {HTMLElement} */ (targetOf(e).closest('.segment'));
    r.lanes.rove(seg);
    r.lanes.showTip(s, seg);
  });
  el.lanes.addEventListener('keydown', (e) => r.lanes.tabKey(e));
  el.lanes.addEventListener('focusout', () => r.lanes.hideTip());
  el.lanes.addEventListener('click', (e) => {
    if (r.clip && el.lanes.classList.contains('bysr-dense')) {
      const t = r.viewport.timeAtX(e.clientX, el.lanes);
      r.select(r.segmentAt(t), false);
      r.transport.seek(t);
      return;
    }
    const s = r.lanes.segOf(e.target);
    if (s && !targetOf(e).classList.contains('handle')) {
      r.select(s, false);
      r.transport.seek(s.start);
    }
  });
  el.lanes.addEventListener('pointerdown', (e) => r.lanes.startEdgeDrag(e));

  // Sizes are read here (layout is clean in a ResizeObserver callback) and kept, so that
  // drawing never forces a synchronous layout.
  r.resizeObserver = new ResizeObserver((entries) => {
    for (const e of entries) {
      const box = [e.target.clientWidth, e.target.clientHeight];
      if (e.target === el.canvasWrap) r.viewport.size.canvas = box;
      else if (e.target === el.overview) r.viewport.size.overview = box;
      else if (e.target === el.lanes) r.viewport.size.lanes = box;
    }
    r.viewport.layout();
  });
  r.resizeObserver.observe(el.canvasWrap);
  r.resizeObserver.observe(el.overview);
  r.resizeObserver.observe(el.lanes);
}
