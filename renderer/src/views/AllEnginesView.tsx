import { useState } from 'react';
import { naturalCompare, shortId } from '../../../electron/shared/format';
import { ColumnHeads } from '../components/ColumnHeads';
import { EmptyState } from '../components/EmptyState';
import { StateBadge } from '../components/StateBadge';
import { ViewHeader } from '../components/ViewHeader';
import { useNow } from '../hooks/use-now';
import { useApp } from '../store/app-store';
import { ContainerStateCells } from './containers/ContainerStateCells';
import { FilterInput } from '../components/FilterInput';

/** Every engine's containers, grouped, each group with its own health: one engine down blocks none. */
export function AllEnginesView() {
  const engines = useApp((s) => s.engines);
  const containers = useApp((s) => s.containers);
  const [filter, setFilter] = useState('');
  const now = useNow();
  const q = filter.trim().toLowerCase();
  return (
    <section aria-labelledby="all-title" className="view">
      <ViewHeader
        titleId="all-title"
        title="All engines"
        note={`${engines.length} engines · ${engines.filter((e) => e.state === 'online').length} online`}
        toolbar={
          <FilterInput value={filter} onChange={setFilter} placeholder="Filter" label="Filter containers" />
        }
      />
      {engines.length === 0 && <EmptyState title="No engine connected" />}
      {engines.map((e) => {
        const rows = Object.values(containers[e.id] ?? {})
          .filter((c) => !q || c.name.toLowerCase().includes(q) || c.image.toLowerCase().includes(q))
          .sort((a, b) => naturalCompare(a.name, b.name));
        return (
          <section
            key={e.id}
            className="engine-group"
            aria-labelledby={`group-${e.id}`}
            data-engine-group={e.id}
          >
            <h2 id={`group-${e.id}`}>
              <span className={`dot dot-${e.state}`} aria-hidden="true" /> {e.name}{' '}
              <StateBadge state={e.state} />
              <span className="muted">
                {' '}
                {e.kind !== 'unknown'
                  ? `${e.kind === 'podman' ? 'Podman' : 'Docker'} ${e.version ?? ''}`
                  : ''}
              </span>
            </h2>
            {e.state === 'offline' && (
              <p className="field-error">
                {e.error} {e.hint}
              </p>
            )}
            {rows.length === 0 ? (
              <p className="muted">
                {e.state === 'online' ? (q ? 'Nothing matches.' : 'No containers.') : ''}
              </p>
            ) : (
              <table className="grid compact" aria-label={`Containers on ${e.name}`}>
                <ColumnHeads titles={['Name', 'Image', 'State', 'Uptime', 'ID']} />
                <tbody>
                  {rows.map((c) => (
                    <tr key={c.id} data-name={c.name}>
                      <td className="name">
                        <a href={`#/container/${e.id}/${c.id}`}>{c.name}</a>
                      </td>
                      <ContainerStateCells c={c} now={now} />
                      <td className="mono muted">{shortId(c.id)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        );
      })}
    </section>
  );
}
