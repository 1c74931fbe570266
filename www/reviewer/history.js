// @ts-check
// Undo and redo of edits: each edit stores a snapshot of the segments (with the selection
// and the revealed segments, by index) taken before it; at most 500 edits back (an edge
// drag's step is not counted against that).

/** @typedef {import('../protocol.js').Segment} Segment */
/** @typedef {{ segments: Segment[], selected: number, revealed: number[] }} Snapshot */

const MAX_STEPS = 500;

export class History {
  /** @param {import('../reviewer.js').Reviewer} r */
  constructor(r) {
    this.r = r;
    /** @type {Snapshot[]} */
    this.undoStack = [];
    /** @type {Snapshot[]} */
    this.redoStack = [];
  }

  get canUndo() {
    return this.undoStack.length > 0;
  }

  clear() {
    this.undoStack = [];
    this.redoStack = [];
  }

  /** @returns {Snapshot} */
  snapshot() {
    const { r } = this;
    const segs = r.clip.segments;
    return { segments: segs.map((s) => ({ ...s })), selected: segs.indexOf(r.selected), revealed: [...r.revealed].map((s) => segs.indexOf(s)) };
  }

  /** @param {Snapshot} snap */
  restore(snap) {
    const { r } = this;
    r.clip.segments = snap.segments.map((s) => ({ ...s }));
    r.selected = r.clip.segments[snap.selected] ?? null;
    r.revealed = new Set(snap.revealed.map((i) => r.clip.segments[i]).filter(Boolean));
  }

  /** Records `before` (taken before an edit already made) as one undo step. @param {Snapshot} before */
  push(before) {
    this.undoStack.push(before);
    this.redoStack = [];
  }

  /** Makes an edit (`fn`) as one undo step. @param {string} reason @param {() => void} fn */
  edit(reason, fn) {
    this.push(this.snapshot());
    if (this.undoStack.length > MAX_STEPS) this.undoStack.shift();
    fn();
    this.after(reason);
  }

  undo() {
    if (!this.undoStack.length) return;
    this.redoStack.push(this.snapshot());
    this.restore(this.undoStack.pop());
    this.after('undo');
  }

  redo() {
    if (!this.redoStack.length) return;
    this.undoStack.push(this.snapshot());
    this.restore(this.redoStack.pop());
    this.after('redo');
  }

  /** @param {string} reason */
  after(reason) {
    const { r } = this;
    r.changed(reason);
    r.updateText();
    r.scheduleRender('spec', 'overview', 'lanes');
  }
}
