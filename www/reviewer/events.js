// @ts-check
// The reviewer's events ('change', 'state', 'ready', 'error'): listeners in the order they
// were added; one that throws is logged and the others still run.

export class Emitter {
  constructor() {
    /** @type {Map<string, Function[]>} */
    this.listeners = new Map();
  }

  /**
   * Adds a listener; returns the function that removes it.
   * @param {string} type
   * @param {Function} fn
   * @returns {() => void}
   */
  on(type, fn) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
    return () => this.listeners.set(type, (this.listeners.get(type) ?? []).filter((f) => f !== fn));
  }

  /** Whether anyone listens for `type` (a 'change' copies every segment). @param {string} type */
  has(type) {
    return (this.listeners.get(type) ?? []).length > 0;
  }

  /** @param {string} type @param {unknown} [data] */
  emit(type, data) {
    for (const fn of this.listeners.get(type) ?? []) {
      try {
        fn(data);
      } catch (err) {
        console.error(err);
      }
    }
  }
}
