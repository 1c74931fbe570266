// @ts-check
// The toolbar's compact menus (<details> with a floating panel: privacy, view, export, more):
// one open at a time, closed by Esc or a click elsewhere, and each panel kept inside the
// window (at 200 % zoom a menu on the right of a wrapped toolbar would stick out).

/** @param {import('../reviewer.js').Reviewer} r */
export function wireMenus(r) {
  const menus = /** @type {HTMLDetailsElement[]} */ ([...r.el.toolbar.querySelectorAll('details.bysr-menu')]);
  const listen = (target, type, fn, opts) => {
    target.addEventListener(type, fn, opts);
    r.cleanups.push(() => target.removeEventListener(type, fn, opts));
  };
  for (const m of menus) {
    m.addEventListener('toggle', () => {
      if (!m.open) return;
      for (const other of menus) if (other !== m) other.open = false;
      place(m);
    });
  }
  listen(document, 'pointerdown', (/** @type {PointerEvent} */ e) => {
    for (const m of menus) if (m.open && !m.contains(/** @type {Node} */ (e.target))) m.open = false;
  });
  listen(r.root, 'keydown', (/** @type {KeyboardEvent} */ e) => {
    const open = menus.find((m) => m.open);
    if (e.key === 'Escape' && open) {
      open.open = false;
      /** @type {HTMLElement} */ (open.querySelector('summary')).focus();
      e.stopPropagation();
    }
  });
  listen(window, 'resize', () => { for (const m of menus) if (m.open) place(m); });
}

/** Moves an open menu's panel sideways so that it lies inside the window. @param {HTMLDetailsElement} m */
export function place(m) {
  const panel = /** @type {HTMLElement} */ (m.querySelector('.bysr-menu-panel'));
  panel.style.left = '0px';
  const box = panel.getBoundingClientRect();
  const width = document.documentElement.clientWidth;
  let shift = 0;
  if (box.right > width - 4) shift = width - 4 - box.right;
  if (box.left + shift < 4) shift = 4 - box.left;
  panel.style.left = `${shift}px`;
}
