import { useMemo, useState } from 'react';
import type { EngineStatusT } from '../../../electron/ipc/contract';
import { useApp } from '../store/app-store';

/**
 * An online engine to work on, for a view that lets the user pick one: until the user picks, it
 * follows the engine chosen in the sidebar (or the first online one).
 */
export function useOnlineEngine(): {
  online: EngineStatusT[];
  engineId: string | undefined;
  choose: (id: string) => void;
} {
  const engines = useApp((s) => s.engines);
  const selectedEngineId = useApp((s) => s.selectedEngineId);
  const online = useMemo(() => engines.filter((e) => e.state === 'online'), [engines]);
  const [chosen, setChosen] = useState<string | null>(null);
  const engineId = (
    online.find((e) => e.id === chosen) ??
    online.find((e) => e.id === selectedEngineId) ??
    online[0]
  )?.id;
  return { online, engineId, choose: setChosen };
}
