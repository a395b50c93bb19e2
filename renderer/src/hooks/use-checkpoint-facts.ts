import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { CheckpointFacts } from '../views/containers/list-rules';

/**
 * How many checkpoints each container of an engine has, and the newest one's time: asked once, then
 * again (at most twice a second) whenever the catalog of that engine changes.
 */
export function useCheckpointFacts(engineId: string | null): Record<string, CheckpointFacts | undefined> {
  const [facts, setFacts] = useState<{ engineId: string; byId: Record<string, CheckpointFacts> } | null>(
    null,
  );
  useEffect(() => {
    if (!engineId) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = () =>
      api.call('checkpoints.summarize', { engineId }).then(
        (list) =>
          live && setFacts({ engineId, byId: Object.fromEntries(list.map((f) => [f.containerId, f])) }),
        () => undefined,
      );
    void load();
    const off = api.on('catalog.changed', (c) => {
      if (c.engineId !== engineId || timer) return;
      timer = setTimeout(() => {
        timer = null;
        void load();
      }, 500);
    });
    return () => {
      live = false;
      off();
      if (timer) clearTimeout(timer);
    };
  }, [engineId]);
  return facts && facts.engineId === engineId ? facts.byId : {};
}
