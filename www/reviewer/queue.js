// @ts-check
// The review queue: the clips of a shift, one on show. Each clip keeps its edits, undo
// history, selection, verdict (accept / needs fix) and note here, in memory only (nothing is
// stored), and gets them back when it is shown again. The next clip is analysed in the
// background while the current one is reviewed, so moving on is instant; analysed clips
// more than one step away from the one on show are dropped (their edits stay) and analysed
// again when opened. The queue's JSON export holds every clip's report, edits, verdict and
// note; importing it restores them.
import { parseReport, reportJson } from '../exports.js';
import { errorText, h } from './dom.js';

/** @typedef {import('../reviewer.js').Reviewer} Reviewer */
/** @typedef {import('../reviewer.js').Clip} Clip */
/** @typedef {import('../protocol.js').Segment} Segment */
/**
 * One clip of the queue. `clip`: its analysis while kept; `segments`, `undo`, `redo`,
 * `selected`, `revealed`: its review, saved when it was left; `verdict`: null (new),
 * 'accept' or 'needs-fix'.
 * @typedef {{ name: string, src: import('./loader.js').LoadSource | null, clip: Clip | null,
 *   segments: Segment[] | null, undo: any[], redo: any[], selected: number, revealed: number[],
 *   verdict: string | null, note: string, edits: number, background: number | null,
 *   error: string | null }} Item
 */

/** The queue export's format marker. */
export const QUEUE_FORMAT = 'bystander-queue/1';

/** How far from the clip on show analysed clips are kept (the one before and after). */
const KEEP = 1;

export const VERDICTS = { accept: 'reviewed', 'needs-fix': 'needs fix' };

export class Queue {
  /** @param {Reviewer} r */
  constructor(r) {
    this.r = r;
    /** @type {Item[]} */
    this.items = [];
    this.index = -1;
    /** The clip asked for (shown once analysed). */
    this.target = -1;
    /** Reviews (edits, verdicts, notes) made since the last queue export or import. */
    this.unsaved = false;
  }

  /** @param {string} name @param {import('./loader.js').LoadSource | null} src @returns {Item} */
  static item(name, src) {
    return { name, src, clip: null, segments: null, undo: [], redo: [], selected: -1, revealed: [], verdict: null, note: '', edits: 0, background: null, error: null };
  }

  get current() {
    return this.items[this.index] ?? null;
  }

  /**
   * Opens files as the queue; when the queue holds unsaved reviews it asks first (Cancel adds
   * the files to the queue instead: nothing is lost either way). Shows the first new clip.
   * @param {File[]} files
   */
  open(files) {
    if (!files.length) return Promise.resolve();
    const { r } = this;
    const replace = !this.unsaved || window.confirm(
      `${this.reviewCount()} clip(s) have reviews not yet exported. Replace the queue with the ${files.length} new file(s)?\n\nOK: replace (their reviews are dropped). Cancel: add the files to the queue.`);
    if (replace) {
      r.loader.cancelBackground();
      this.items = [];
      this.index = -1;
      this.unsaved = false;
    }
    const first = this.items.length;
    for (const f of files) this.items.push(Queue.item(f.name, { file: f, name: f.name }));
    this.render();
    return this.go(first);
  }

  /** Clips with a verdict, a note or edits. */
  reviewCount() {
    return this.items.filter((it) => it.verdict || it.note || it.edits || (it.clip === this.r.clip && this.r.history.canUndo)).length;
  }

  /** Moves by `step` clips (] and [). @param {number} step */
  move(step) {
    const from = this.target >= 0 ? this.target : this.index;
    const i = from + step;
    if (i < 0 || i >= this.items.length) return Promise.resolve();
    return this.go(i);
  }

  /** Shows clip `i`: at once when it is analysed, else once its analysis completes. @param {number} i */
  async go(i) {
    const { r } = this;
    const item = this.items[i];
    if (!item || (i === this.index && r.clip === item.clip && item.clip)) return;
    this.target = i;
    this.render();
    try {
      if (item.clip) {
        r.loader.show(item.clip, 'queue');
        r.updateText();
      } else if (r.loader.bg && r.loader.bg.id === item.background) {
        await r.loader.promote();
      } else if (item.src) {
        await r.loader.load(item.src, (clip) => { item.clip = clip; });
      } else {
        // Samples given to load() or a recording: not kept once far from the clip on show.
        r.alert(`${item.name} cannot be opened again (it was not a file); its review is in the queue export.`);
      }
    } catch (err) {
      if (!(err && err.name === 'AbortError')) item.error = errorText(err);
    } finally {
      if (this.target === i) this.target = -1;
      this.render();
    }
  }

  /**
   * A clip goes on show (called by the loader before its lanes are drawn): the clip that was
   * on show keeps its review in its item; this one gets its own back. A clip the queue does
   * not know (a load() or a recording) is added to it.
   * @param {Clip | null} prev @param {Clip} clip
   */
  enter(prev, clip) {
    const { r } = this;
    const left = prev && this.items.find((it) => it.clip === prev);
    if (left && left !== this.items.find((it) => it.clip === clip)) {
      left.undo = r.history.undoStack;
      left.redo = r.history.redoStack;
      left.selected = prev.segments.indexOf(r.selected);
      left.revealed = [...r.revealed].map((s) => prev.segments.indexOf(s));
    }
    let item = this.items.find((it) => it.clip === clip);
    if (!item) {
      item = Queue.item(clip.name, clip.file ? { file: clip.file, name: clip.name, source: clip.source } : null);
      item.clip = clip;
      this.items.push(item);
    }
    this.index = this.items.indexOf(item);
    item.error = null;
    if (item.segments) clip.segments = item.segments;
    item.segments = null;
    r.history.undoStack = item.undo;
    r.history.redoStack = item.redo;
    r.selected = clip.segments[item.selected] ?? null;
    r.revealed = new Set(item.revealed.map((k) => clip.segments[k]).filter(Boolean));
    // Analysed clips far from this one are dropped (kept: their review), so that a shift
    // of a thousand clips holds at most three in memory.
    this.items.forEach((it, k) => {
      if (it.clip && Math.abs(k - this.index) > KEEP) {
        it.segments = it.clip.segments;
        it.clip = null;
      }
    });
    this.mark();
    this.render();
    setTimeout(() => this.prefetch(), 0);
  }

  /** Ids of the analysed clips kept in the worker. */
  keepIds() {
    return this.items.filter((it) => it.clip).map((it) => it.clip.id);
  }

  /** Starts the analysis of the next clip in the background (if it needs one). */
  prefetch() {
    const { r } = this;
    const next = this.items[this.index + 1];
    if (!next || next.clip || !next.src || !next.src.file || next.error || r.loader.job || r.destroyed) return;
    if (r.loader.bg && r.loader.bg.id === next.background) return;
    const job = r.loader.prefetch(next.src, (clip) => {
      next.clip = clip;
      next.background = null;
      this.render();
    });
    next.background = job.id;
  }

  /** The clip on show was edited (an edit, undo, redo or import). */
  edited() {
    const it = this.current;
    if (!it) return;
    it.edits = this.r.clip ? this.r.clip.segments.filter((s) => s.edited).length : 0;
    this.unsaved = true;
    this.render();
  }

  /** @param {string | null} verdict 'accept', 'needs-fix' or null */
  setVerdict(verdict) {
    const it = this.current;
    if (!it) return;
    it.verdict = it.verdict === verdict ? null : verdict;
    this.unsaved = true;
    this.render();
  }

  /** @param {string} note */
  setNote(note) {
    const it = this.current;
    if (!it) return;
    it.note = note;
    this.unsaved = true;
    this.renderList();
  }

  /** `data-clip="I/N"` on the component (and the state target). */
  mark() {
    const { r } = this;
    const v = this.items.length ? `${this.index + 1}/${this.items.length}` : '';
    for (const e of [r.root, r.opts.stateTarget]) if (e) e.dataset.clip = v;
  }

  /** The queue's JSON: each clip's report (null before its analysis), edits, verdict, note. */
  toJson() {
    const { r } = this;
    const clips = this.items.map((it) => {
      const c = it.clip;
      const segments = c ? c.segments : it.segments;
      const report = c ? JSON.parse(reportJson(c.report, segments, { file: c.name, edits: segments.filter((s) => s.edited).length })) : null;
      if (!c && segments) return { name: it.name, verdict: it.verdict, note: it.note, edits: it.edits, report: { file: it.name, segments } };
      return { name: it.name, verdict: it.verdict, note: it.note, edits: c ? report.review.edits : it.edits, report };
    });
    this.unsaved = false;
    r.events.emit('queue', clips.length);
    return JSON.stringify({ format: QUEUE_FORMAT, exportedAt: null, clips }, null, 2);
  }

  /**
   * Restores a queue export onto the clips of the same name (the audio is not in the
   * export): verdicts, notes and segments. Returns how many clips matched.
   * @param {any} data the parsed export
   */
  fromJson(data) {
    const { r } = this;
    if (!data || data.format !== QUEUE_FORMAT || !Array.isArray(data.clips)) throw new Error('not a bystander queue export');
    let matched = 0;
    for (const saved of data.clips) {
      const it = this.items.find((x) => x.name === saved.name);
      if (!it) continue;
      matched++;
      it.verdict = saved.verdict === 'accept' || saved.verdict === 'needs-fix' ? saved.verdict : null;
      it.note = typeof saved.note === 'string' ? saved.note : '';
      if (saved.report && Array.isArray(saved.report.segments)) {
        const segments = parseReport(JSON.stringify(saved.report), it.name).segments;
        if (it.clip && it.clip === r.clip) {
          r.history.edit('import', () => {
            r.clip.segments = segments;
            r.selected = null;
            r.revealed.clear();
          });
        } else if (it.clip) {
          it.undo.push({ segments: it.clip.segments.map((s) => ({ ...s })), selected: -1, revealed: [] });
          it.clip.segments = segments;
        } else it.segments = segments;
        it.edits = segments.filter((s) => s.edited).length;
      }
    }
    if (!matched) throw new Error('none of its clips is in the queue (open the same files first)');
    this.unsaved = false;
    this.render();
    return matched;
  }

  // -------------------------------------------------------------------------------------
  // The panel

  /** @param {Item} it */
  stateOf(it) {
    return it.verdict ? VERDICTS[it.verdict] : 'new';
  }

  /** Background summary of an item: segments and seconds of background speech. @param {Item} it */
  background(it) {
    const segs = it.clip ? it.clip.segments : it.segments;
    const bg = this.r.loader.bg;
    if (!segs) return it.error ? `⚠ ${it.error}` : bg && bg.id === it.background ? 'analysing…' : 'not analysed yet';
    const back = segs.filter((s) => s.label === 'background');
    const secs = back.reduce((a, s) => a + s.end - s.start, 0);
    return back.length ? `${back.length} background (${secs.toFixed(1)} s)` : 'no background';
  }

  render() {
    const { r } = this;
    const el = r.el;
    const it = this.current;
    el.queue.hidden = this.items.length < 2;
    el.verdictAccept.setAttribute('aria-pressed', String(Boolean(it && it.verdict === 'accept')));
    el.verdictFix.setAttribute('aria-pressed', String(Boolean(it && it.verdict === 'needs-fix')));
    if (it && el.note.value !== it.note && document.activeElement !== el.note) el.note.value = it.note;
    el.note.disabled = !it;
    el.verdictAccept.disabled = !it;
    el.verdictFix.disabled = !it;
    this.renderList();
  }

  renderList() {
    const { r } = this;
    const el = r.el;
    const count = (v) => this.items.filter((it) => it.verdict === v).length;
    const accepted = count('accept');
    const fix = count('needs-fix');
    const notes = this.items.filter((it) => it.note).length;
    el.queueSummary.textContent = this.items.length ? `Clip ${this.index + 1}/${this.items.length} · ${accepted} accepted · `
      + `${fix} ${fix === 1 ? 'needs' : 'need'} fixing · ${this.items.length - accepted - fix} new · ${notes} ${notes === 1 ? 'note' : 'notes'}` : 'No clips yet';
    el.queueList.replaceChildren(...this.items.map((it, k) => {
      const state = this.stateOf(it);
      const li = h('li', { class: 'bysr-queue-item', dataset: { state: state.replace(' ', '-'), index: String(k) } },
        h('button', { type: 'button', class: 'bysr-queue-go', onclick: () => { this.go(k); } },
          h('span', { class: 'bysr-queue-name', text: `${k + 1}. ${it.name}` }),
          h('span', { class: 'bysr-queue-state', text: state + (it.edits ? ` · ${it.edits} edited` : '') + (it.note ? ' · ✎' : '') }),
          h('span', { class: 'bysr-queue-bg', text: this.background(it) })));
      if (k === this.index) li.setAttribute('aria-current', 'true');
      if (k === this.target) li.classList.add('bysr-queue-pending');
      return li;
    }));
    const cur = el.queueList.children[this.index];
    if (cur && cur.scrollIntoView && el.queueList.scrollHeight > el.queueList.clientHeight) cur.scrollIntoView({ block: 'nearest' });
  }
}
