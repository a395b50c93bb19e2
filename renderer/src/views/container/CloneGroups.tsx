import { useMemo } from 'react';
import type { ContainerSummaryT } from '../../../../electron/ipc/contract';
import { useCheckpointFacts } from '../../hooks/use-checkpoint-facts';
import { useApp } from '../../store/app-store';
import { BulkActions } from '../containers/BulkActions';
import { naturalCompare } from '../../../../electron/shared/format';

/**
 * The clones made from this container, one group per checkpoint ("10 clones of warm"), each with
 * stop all and remove all: what a user cloned is as easy to put away as it was to make.
 */
export function CloneGroups(props: { engineId: string; containerId: string }) {
  const { engineId, containerId } = props;
  const containers = useApp((s) => s.containers[engineId]);
  const kind = useApp((s) => s.engines.find((e) => e.id === engineId)?.kind ?? null);
  const facts = useCheckpointFacts(engineId);
  const groups = useMemo(() => {
    const by = new Map<string, ContainerSummaryT[]>();
    for (const c of Object.values(containers ?? {})) {
      if (c.cloneOf?.sourceId !== containerId || c.id === containerId) continue;
      const cp = c.cloneOf.checkpoint ?? '';
      by.set(cp, [...(by.get(cp) ?? []), c]);
    }
    return [...by.entries()]
      .sort(([a], [b]) => naturalCompare(a, b))
      .map(([checkpoint, rows]) => ({
        checkpoint,
        rows: rows.sort((a, b) => naturalCompare(a.name, b.name)),
      }));
  }, [containers, containerId]);
  if (groups.length === 0) return null;
  return (
    <section className="clone-groups" aria-label="Clones of this container">
      {groups.map((g) => {
        const running = g.rows.filter((c) => c.state === 'running').length;
        const label = `${g.rows.length} clone${g.rows.length === 1 ? '' : 's'}${g.checkpoint ? ` of ${g.checkpoint}` : ''}`;
        return (
          <div key={g.checkpoint} className="clone-group" data-clone-group={g.checkpoint}>
            <BulkActions
              engineId={engineId}
              engineKind={kind === 'podman' || kind === 'docker' ? kind : null}
              selected={g.rows}
              facts={facts}
              onClear={() => undefined}
              only={['stop', 'remove']}
              label={`${label} · ${running} running`}
            />
            <p className="clone-names muted">
              {g.rows.map((c, i) => (
                <span key={c.id}>
                  {i > 0 && ', '}
                  <a href={`#/container/${engineId}/${c.id}`}>{c.name}</a>
                </span>
              ))}
            </p>
          </div>
        );
      })}
    </section>
  );
}
