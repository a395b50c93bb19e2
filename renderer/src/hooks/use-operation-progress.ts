import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { newOpId } from '../store/checkpoint-store';
import { addProgressLine } from '../views/portable/portable-text';

/**
 * The progress lines of one operation at a time, for a view that runs it itself (not through the
 * checkpoint store, which keeps one operation per container). `start()` gives the opId to pass.
 */
export function useOperationProgress(): { start: () => string; lines: string[] } {
  // A ref, not state: the first events can arrive before React renders the new opId.
  const current = useRef<string | null>(null);
  const [lines, setLines] = useState<string[]>([]);
  useEffect(
    () =>
      api.on('operations.progressed', (p) => {
        if (p.opId === current.current) setLines((old) => addProgressLine(old, p.message));
      }),
    [],
  );
  const start = useCallback(() => {
    const id = newOpId();
    current.current = id;
    setLines([]);
    return id;
  }, []);
  return { start, lines };
}
