import { useEffect, useRef } from 'react';
import { shortcutFor, type Shortcut } from '../keys';

/**
 * A view's keyboard shortcuts, on the window: one listener for the view's life, always reading the
 * latest list (so each shortcut sees the state of the render that made it).
 */
export function useShortcuts(list: Shortcut[]): void {
  const latest = useRef(list);
  useEffect(() => {
    latest.current = list;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = shortcutFor(latest.current, e);
      if (!s) return;
      e.preventDefault();
      s.run();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
