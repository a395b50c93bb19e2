// Moving through a list or a row of items by keyboard: which index a key leads to, or null.
export function moveIndex(
  key: string,
  index: number,
  count: number,
  axis: 'horizontal' | 'vertical',
): number | null {
  const next = axis === 'horizontal' ? 'ArrowRight' : 'ArrowDown';
  const prev = axis === 'horizontal' ? 'ArrowLeft' : 'ArrowUp';
  const to: Record<string, number> = { [next]: index + 1, [prev]: index - 1, Home: 0, End: count - 1 };
  if (axis === 'vertical') {
    to.PageDown = index + 10;
    to.PageUp = index - 10;
  }
  const t = to[key];
  return t === undefined ? null : Math.max(0, Math.min(count - 1, t));
}

/** A key the app answers to anywhere in a view (not only on a focused control). */
export interface Shortcut {
  /** KeyboardEvent.key: 'c', 'C' (Shift+c), 'Delete', 'Escape', '/', '1'. */
  key: string;
  alt?: boolean;
  /** Off while false (a dialog is open, nothing to act on…). */
  when?: boolean;
  run: () => void;
}

interface KeyLike {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  target: EventTarget | null;
}

/** Where typing goes, so a letter there is text, not a command. */
function typingIn(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean } | null;
  return Boolean(
    el &&
    (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable),
  );
}

/**
 * The shortcut a key press means, if any: plain keys never while typing in a field and never with
 * Ctrl or Cmd (those belong to the browser and the system); Alt shortcuts work from anywhere.
 */
export function shortcutFor(list: readonly Shortcut[], e: KeyLike): Shortcut | null {
  if (e.ctrlKey || e.metaKey) return null;
  for (const s of list) {
    if (s.when === false || s.key !== e.key || Boolean(s.alt) !== e.altKey) continue;
    if (!s.alt && typingIn(e.target)) continue;
    return s;
  }
  return null;
}
