import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LibraryEntryT } from '../../../../electron/ipc/contract';
import { toErrorInfo, type ErrorInfo } from '../../../../electron/ipc/errors';
import { ago, bytes } from '../../../../electron/shared/format';
import { api } from '../../api/client';
import { ACTIONS_HEAD, ColumnHeads } from '../../components/ColumnHeads';
import { ConfirmMany, FewNames } from '../../components/ConfirmMany';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBox } from '../../components/ErrorBox';
import { ViewHeader } from '../../components/ViewHeader';
import { useNow } from '../../hooks/use-now';
import { useApp } from '../../store/app-store';
import { clickSelect, EMPTY_SELECTION, keepShown, type Selection } from '../containers/list-rules';
import { DiskChart } from './DiskChart';
import { LibraryFilters } from './LibraryFilters';
import {
  diskUse,
  entryKey,
  filterEntries,
  NO_FILTER,
  sortEntries,
  type LibraryFilter,
  type LibrarySort,
} from './library-rules';

const KEPT_LABEL: Record<LibraryEntryT['kept'], string> = {
  engine: 'on the engine',
  archive: 'kept archive',
  gone: 'gone',
};

/**
 * Every checkpoint the catalog knows, across engines and containers — those of removed containers
 * too — filtered, sorted, counted on disk, opened in the inspector, deleted many at a time.
 */
export function LibraryView() {
  const engines = useApp((s) => s.engines);
  const navigate = useApp((s) => s.navigate);
  const now = useNow();
  const [all, setAll] = useState<LibraryEntryT[] | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [filter, setFilter] = useState<LibraryFilter>(NO_FILTER);
  const [sort, setSort] = useState<LibrarySort>({ key: 'age', dir: 'asc' });
  const [picked, setPicked] = useState<Selection>(EMPTY_SELECTION);
  const [confirm, setConfirm] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: number; failed: { name: string; error: string }[] } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);

  const load = useCallback(
    () =>
      api.call('library.list', {}).then(
        (rows) => {
          setAll(rows);
          setError(null);
        },
        (e: unknown) => setError(toErrorInfo(e)),
      ),
    [],
  );
  // Kept live: any catalog change anywhere, at most twice a second.
  useEffect(() => {
    void load();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = api.on('catalog.changed', () => {
      timer ??= setTimeout(() => {
        timer = null;
        void load();
      }, 500);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [load]);

  const engineName = (id: string) => engines.find((e) => e.id === id)?.name ?? id;
  const rows = useMemo(
    () => sortEntries(filterEntries(all ?? [], filter, now), sort),
    // `now` moves every second; the age filter can wait for the next change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [all, filter, sort],
  );
  const order = useMemo(() => rows.map(entryKey), [rows]);
  const selection = keepShown(picked, order);
  const selected = rows.filter((r) => selection.ids.has(entryKey(r)));
  const disk = useMemo(() => diskUse(all ?? []), [all]);
  const engineIds = useMemo(() => [...new Set((all ?? []).map((e) => e.engineId))], [all]);

  const inspect = (e: LibraryEntryT) =>
    e.kept === 'engine'
      ? navigate({
          view: 'inspect',
          source: { kind: 'engine', engineId: e.engineId, container: e.containerId, checkpoint: e.name },
        })
      : e.kept === 'archive'
        ? navigate({
            view: 'inspect',
            source: { kind: 'kept', engineId: e.engineId, containerId: e.containerId, checkpoint: e.name },
          })
        : undefined;

  const remove = async () => {
    setConfirm(false);
    setBusy(true);
    setOutcome(null);
    try {
      const out = await api.call('library.delete', {
        items: selected.map((e) => ({ engineId: e.engineId, containerId: e.containerId, name: e.name })),
      });
      setOutcome({
        ok: out.filter((o) => o.ok).length,
        failed: out.filter((o) => !o.ok).map((o) => ({ name: o.name, error: o.error ?? 'failed' })),
      });
      setPicked(EMPTY_SELECTION);
      await load();
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setBusy(false);
    }
  };

  const header = (key: LibrarySort['key'], label: string) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className="sort"
        onClick={() => setSort((s) => ({ key, dir: s.key === key && s.dir === 'asc' ? 'desc' : 'asc' }))}
      >
        {label}
        {sort.key === key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );

  const onRowKey = (ev: React.KeyboardEvent<HTMLTableRowElement>, i: number) => {
    const e = rows[i]!;
    const k = entryKey(e);
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const next = ev.currentTarget.parentElement?.children[i + (ev.key === 'ArrowDown' ? 1 : -1)];
      if (next instanceof HTMLElement) {
        next.focus();
        if (ev.shiftKey)
          setPicked((s) =>
            clickSelect(s, order, order[i + (ev.key === 'ArrowDown' ? 1 : -1)]!, {
              shift: true,
              toggle: false,
            }),
          );
      }
    } else if (ev.key === ' ') {
      ev.preventDefault();
      setPicked((s) => clickSelect(s, order, k, { shift: false, toggle: true }));
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      inspect(e);
    } else if (ev.key === 'Delete' && selection.ids.size) {
      ev.preventDefault();
      setConfirm(true);
    } else if (ev.key === 'Escape') {
      setPicked(EMPTY_SELECTION);
    } else if (ev.key === 'a' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      setPicked({ ids: new Set(order), anchor: order[0] ?? null });
    }
  };

  const set = (p: Partial<LibraryFilter>) => setFilter((f) => ({ ...f, ...p }));
  const keptCount = selected.filter((e) => e.kept !== 'gone').length;

  return (
    <section className="view library-view" aria-labelledby="library-title">
      <ViewHeader
        titleId="library-title"
        title="Checkpoint library"
        note="Every checkpoint Checkpoint Studio knows, on every engine — those of removed containers too."
      />
      {error && <ErrorBox error={error} />}
      {all && all.length > 0 && <DiskChart disk={disk} engineName={engineName} />}
      <LibraryFilters filter={filter} onChange={set} engineIds={engineIds} engineName={engineName} />

      {selected.length > 0 && (
        <div
          className="bulk-bar"
          role="toolbar"
          aria-label="Actions on the selected checkpoints"
          data-library-bar
        >
          <span className="bulk-count">{selected.length} selected</span>
          <button type="button" className="danger" disabled={busy} onClick={() => setConfirm(true)}>
            Delete…
          </button>
          <button type="button" className="link" onClick={() => setPicked(EMPTY_SELECTION)}>
            Clear <kbd>Esc</kbd>
          </button>
        </div>
      )}
      {outcome && (
        <div role="status" className="bulk-result" data-library-result>
          <p>
            {outcome.ok} deleted{outcome.failed.length ? `, ${outcome.failed.length} failed` : ''}.
          </p>
          {outcome.failed.length > 0 && (
            <ul>
              {outcome.failed.map((f) => (
                <li key={f.name}>
                  <strong>{f.name}</strong>: {f.error}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      {all === null ? (
        !error && <EmptyState title="Loading…" />
      ) : all.length === 0 ? (
        <EmptyState title="No checkpoints yet">
          <p>
            Checkpoints you make on any engine appear here, and stay listed after their container is gone.
          </p>
        </EmptyState>
      ) : (
        <table className="grid" aria-label="Checkpoints" aria-multiselectable="true">
          <ColumnHeads
            titles={[
              'Checkpoint',
              header('container', 'Container'),
              'Engine',
              'Origin',
              header('age', 'Age'),
              header('size', 'Size'),
              'Kept',
              ACTIONS_HEAD,
            ]}
          />
          <tbody>
            {rows.map((e, i) => {
              const k = entryKey(e);
              const isSel = selection.ids.has(k);
              return (
                <tr
                  key={k}
                  tabIndex={0}
                  aria-selected={isSel}
                  className={isSel ? 'selected' : undefined}
                  data-library-row={e.name}
                  data-kept={e.kept}
                  onClick={(ev) =>
                    setPicked((s) =>
                      clickSelect(s, order, k, { shift: ev.shiftKey, toggle: ev.ctrlKey || ev.metaKey }),
                    )
                  }
                  onDoubleClick={() => inspect(e)}
                  onKeyDown={(ev) => onRowKey(ev, i)}
                >
                  <td className="name">{e.name}</td>
                  <td>
                    {e.kept === 'engine' ? (
                      <a
                        href={`#/container/${e.engineId}/${e.containerId}`}
                        tabIndex={-1}
                        onClick={(ev) => ev.stopPropagation()}
                      >
                        {e.containerName}
                      </a>
                    ) : (
                      <span title="The container was removed">{e.containerName}</span>
                    )}
                  </td>
                  <td>{engineName(e.engineId)}</td>
                  <td>{e.origin}</td>
                  <td title={new Date(e.createdAt).toLocaleString()}>{ago(e.createdAt, now)}</td>
                  <td className="num">{e.sizeBytes === null ? '—' : bytes(e.sizeBytes)}</td>
                  <td>
                    <span className={`kept kept-${e.kept}`}>{KEPT_LABEL[e.kept]}</span>
                  </td>
                  <td>
                    {e.kept !== 'gone' && (
                      <button
                        type="button"
                        className="link"
                        tabIndex={-1}
                        onClick={(ev) => {
                          ev.stopPropagation();
                          inspect(e);
                        }}
                      >
                        Inspect
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {all && all.length > 0 && rows.length === 0 && (
        <p className="muted">No checkpoint matches these filters.</p>
      )}

      <ConfirmMany
        open={confirm}
        verb="Delete"
        noun="checkpoints"
        names={selected.map((e) => e.name)}
        onCancel={() => setConfirm(false)}
        onConfirm={() => void remove()}
      >
        <p>
          <FewNames names={selected.map((e) => `${e.containerName}:${e.name}`)} />.
        </p>
        <p>
          {keptCount > 0
            ? `The files of ${keptCount === selected.length ? (keptCount === 1 ? 'it' : 'all of them') : keptCount} are removed from the engine or the app's folder. This cannot be undone.`
            : 'Only their records go: nothing of them is kept anywhere.'}
        </p>
      </ConfirmMany>
    </section>
  );
}
