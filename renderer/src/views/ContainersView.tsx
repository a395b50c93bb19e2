import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ContainerSummaryT } from '../../../electron/ipc/contract';
import { ago, shortId } from '../../../electron/shared/format';
import { Banner } from '../components/Banner';
import { EmptyState } from '../components/EmptyState';
import { ViewHeader } from '../components/ViewHeader';
import { useNow } from '../hooks/use-now';
import { selectedEngine, useApp } from '../store/app-store';
import { ALL_ENGINES } from '../store/navigation';
import { AllEnginesView } from './AllEnginesView';
import { moveIndex } from '../keys';
import { useCheckpointFacts } from '../hooks/use-checkpoint-facts';
import { useShortcuts } from '../hooks/use-shortcuts';
import { BulkActions } from './containers/BulkActions';
import { ContainerStateCells } from './containers/ContainerStateCells';
import {
  clickSelect,
  EMPTY_SELECTION,
  groupClones,
  keepShown,
  nextSort,
  portList,
  sortRows,
  type Selection,
  type Sort,
  type SortKey,
} from './containers/list-rules';

function matches(c: ContainerSummaryT, q: string): boolean {
  if (!q) return true;
  const s = q.toLowerCase();
  return (
    c.name.toLowerCase().includes(s) ||
    c.image.toLowerCase().includes(s) ||
    c.id.startsWith(s) ||
    c.state.includes(s)
  );
}

export function ContainersView() {
  const all = useApp((s) => s.selectedEngineId === ALL_ENGINES);
  return all ? <AllEnginesView /> : <EngineContainers />;
}

function EngineContainers() {
  const engine = useApp(selectedEngine);
  const rowsById = useApp((s) => (s.selectedEngineId ? s.containers[s.selectedEngineId] : undefined));
  const loaded = useApp((s) => (s.selectedEngineId ? s.loaded[s.selectedEngineId] : false));
  const [filter, setFilter] = useState('');
  const [showStopped, setShowStopped] = useState(true);
  const [active, setActive] = useState<string | null>(null);
  const [sort, setSort] = useState<Sort>({ key: 'name', dir: 1 });
  const [picked, setPicked] = useState<Selection>(EMPTY_SELECTION);
  const facts = useCheckpointFacts(engine?.id ?? null);
  const filterRef = useRef<HTMLInputElement>(null);
  const navigate = useApp((s) => s.navigate);
  const tbodyRef = useRef<HTMLTableSectionElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const now = useNow();

  const [grouped, setGrouped] = useState(true);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const entries = useMemo(() => {
    const all = Object.values(rowsById ?? {})
      .filter((c) => (showStopped ? true : c.state === 'running' || c.state === 'paused'))
      .filter((c) => matches(c, filter.trim()));
    const sorted = sortRows(all, sort, facts);
    return grouped
      ? groupClones(sorted, expanded)
      : sorted.map((row) => ({ row, depth: 0 as const, clones: 0 }));
  }, [rowsById, filter, showStopped, sort, facts, grouped, expanded]);
  const rows = useMemo(() => entries.map((e) => e.row), [entries]);
  const toggleClones = (id: string) =>
    setExpanded((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const order = useMemo(() => rows.map((r) => r.id), [rows]);
  // What is selected and still shown (a filter or a removal takes the rest out).
  const selection = keepShown(picked, order);
  const selectedRows = rows.filter((r) => selection.ids.has(r.id));

  useShortcuts([{ key: '/', run: () => filterRef.current?.focus() }]);

  const activeIndex = Math.max(
    0,
    rows.findIndex((r) => r.id === active),
  );

  // Only the rows in sight (and a few around) are in the page: thousands of containers stay smooth.
  // TanStack Virtual hands back functions the React Compiler cannot memoise; this view is not compiled.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 38,
    overscan: 20,
    getItemKey: (i) => rows[i]?.id ?? i,
  });
  const items = virtual.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length ? virtual.getTotalSize() - items[items.length - 1]!.end : 0;

  // A row reached by the keyboard may not be drawn yet: scroll to it, then focus it once it is.
  const pendingFocus = useRef<string | null>(null);
  useEffect(() => {
    const id = pendingFocus.current;
    if (!id) return;
    const el = tbodyRef.current?.querySelector<HTMLElement>(`[data-id="${id}"]`);
    if (el) {
      pendingFocus.current = null;
      el.focus();
    }
  });
  const focusRow = (index: number) => {
    const row = rows[index];
    if (!row) return;
    setActive(row.id);
    const el = tbodyRef.current?.querySelector<HTMLElement>(`[data-id="${row.id}"]`);
    if (el) el.focus();
    else {
      pendingFocus.current = row.id;
      virtual.scrollToIndex(index, { align: 'auto' });
    }
  };

  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, index: number) => {
    const row = rows[index];
    if (e.key === 'Enter' && row) {
      e.preventDefault();
      navigate({ view: 'container', engineId: row.engineId, containerId: row.id });
      return;
    }
    // Space picks or drops the row; Ctrl+A picks every row shown; Esc drops them all.
    if (e.key === ' ' && row) {
      e.preventDefault();
      setPicked(clickSelect(selection, order, row.id, { shift: e.shiftKey, toggle: !e.shiftKey }));
      return;
    }
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      setPicked({ ids: new Set(order), anchor: order[0] ?? null });
      return;
    }
    if (e.key === 'Escape' && selection.ids.size) {
      e.preventDefault();
      setPicked(EMPTY_SELECTION);
      return;
    }
    const to = moveIndex(e.key, index, rows.length, 'vertical');
    if (to !== null) {
      e.preventDefault();
      // Shift with a move extends the selection, as in a file manager.
      if (e.shiftKey && rows[to]) {
        const anchor = selection.anchor ?? row?.id ?? null;
        setPicked(
          clickSelect({ ids: selection.ids, anchor }, order, rows[to].id, { shift: true, toggle: false }),
        );
      }
      focusRow(to);
    }
  };

  const header = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className="sort" onClick={() => setSort(nextSort(sort, key))}>
        {label}
        <span aria-hidden="true">{sort.key === key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}</span>
      </button>
    </th>
  );

  if (!engine) {
    return (
      <EmptyState title="No engine connected">
        <p>
          Start Checkpoint Studio with <code>--engine unix:///path/to/docker.sock</code>, or set{' '}
          <code>DOCKER_HOST</code>, then reload.
        </p>
      </EmptyState>
    );
  }

  return (
    <section aria-labelledby="containers-title" className="view">
      <ViewHeader
        titleId="containers-title"
        title="Containers"
        note={
          <>
            {engine.name} · <span title={engine.host}>{engine.host}</span>
            {engine.version && ` · ${engine.kind === 'podman' ? 'Podman' : 'Docker'} ${engine.version}`}
          </>
        }
        toolbar={
          <>
            <label className="filter">
              <span className="visually-hidden">Filter containers</span>
              <input
                ref={filterRef}
                type="search"
                placeholder="Filter  ( / )"
                value={filter}
                onChange={(e) => setFilter(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') setFilter('');
                  if (e.key === 'ArrowDown') {
                    e.preventDefault();
                    focusRow(0);
                  }
                }}
              />
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={showStopped}
                onChange={(e) => setShowStopped(e.target.checked)}
              />{' '}
              Show stopped
            </label>
            <label className="check">
              <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} />{' '}
              Clones under their source
            </label>
          </>
        }
      />

      {engine.state === 'offline' && (
        <Banner kind="error" title={engine.error ?? `${engine.name} is not reachable`}>
          {engine.hint && <p>{engine.hint}</p>}
          <p className="muted">
            Reconnecting automatically{rows.length ? '; the rows below are the last known state' : ''}.
          </p>
        </Banner>
      )}
      {engine.state === 'online' && engine.experimental === false && engine.kind === 'docker' && (
        <Banner kind="warning" title="Experimental mode is off on this engine">
          Checkpoints need it: start dockerd with <code>--experimental</code>. The Host doctor has details.
        </Banner>
      )}

      {selectedRows.length > 0 && (
        <BulkActions
          engineId={engine.id}
          engineKind={engine.kind === 'podman' ? 'podman' : engine.kind === 'docker' ? 'docker' : null}
          selected={selectedRows}
          facts={facts}
          onClear={() => setPicked(EMPTY_SELECTION)}
        />
      )}
      {!loaded && engine.state !== 'offline' ? (
        <EmptyState title={`Connecting to ${engine.name}…`} />
      ) : rows.length === 0 ? (
        filter || !showStopped ? (
          <EmptyState title="Nothing matches">
            <p>
              No container matches “{filter}”{showStopped ? '' : ' among running ones'}. Press Esc in the
              filter to clear it.
            </p>
          </EmptyState>
        ) : engine.state === 'online' ? (
          <EmptyState title={`No containers on ${engine.name} yet`}>
            <p>Start one and it appears here at once, for example:</p>
            <pre>
              docker run -d --name counter busybox sh -c 'i=0; while true; do echo $i; i=$((i+1)); sleep 1;
              done'
            </pre>
          </EmptyState>
        ) : null
      ) : (
        <div className="table-scroll" ref={scrollRef}>
          <table
            className="grid"
            aria-label={`Containers on ${engine.name}`}
            aria-rowcount={rows.length}
            aria-multiselectable="true"
          >
            <thead>
              <tr>
                {header('name', 'Name')}
                {header('image', 'Image')}
                {header('state', 'State')}
                {header('uptime', 'Uptime')}
                {header('checkpoints', 'Checkpoints')}
                {header('newest', 'Newest')}
                <th scope="col">Ports</th>
                <th scope="col">ID</th>
              </tr>
            </thead>
            <tbody ref={tbodyRef}>
              {padTop > 0 && <tr aria-hidden="true" className="spacer" style={{ height: padTop }} />}
              {items
                .map(({ index: i }) => [rows[i]!, i] as const)
                .map(([c, i]) => (
                  <tr
                    key={c.id}
                    ref={virtual.measureElement}
                    data-index={i}
                    aria-rowindex={i + 2}
                    data-id={c.id}
                    data-name={c.name}
                    tabIndex={i === activeIndex ? 0 : -1}
                    aria-selected={selection.ids.has(c.id)}
                    className={
                      [c.id === active ? 'active' : '', selection.ids.has(c.id) ? 'picked' : '']
                        .join(' ')
                        .trim() || undefined
                    }
                    onFocus={() => setActive(c.id)}
                    // A shift- or ctrl-click picks rows; it must not also select the page's text.
                    onMouseDown={(e) => {
                      if (e.shiftKey || e.ctrlKey || e.metaKey) e.preventDefault();
                    }}
                    onClick={(e) => {
                      setActive(c.id);
                      setPicked(
                        clickSelect(selection, order, c.id, {
                          shift: e.shiftKey,
                          toggle: e.ctrlKey || e.metaKey,
                        }),
                      );
                    }}
                    onDoubleClick={() =>
                      navigate({ view: 'container', engineId: c.engineId, containerId: c.id })
                    }
                    onKeyDown={(e) => onRowKey(e, i)}
                  >
                    <td className={entries[i]!.depth ? 'name clone-name' : 'name'}>
                      {entries[i]!.depth === 1 && <span aria-hidden="true">↳ </span>}
                      <a href={`#/container/${c.engineId}/${c.id}`} tabIndex={-1}>
                        {c.name}
                      </a>
                      {entries[i]!.clones > 0 && (
                        <button
                          type="button"
                          className="clone-toggle"
                          aria-expanded={expanded.has(c.id)}
                          data-clone-toggle={c.name}
                          onClick={(e) => {
                            e.stopPropagation();
                            toggleClones(c.id);
                          }}
                        >
                          {entries[i]!.clones} clone{entries[i]!.clones === 1 ? '' : 's'}{' '}
                          {expanded.has(c.id) ? '▾' : '▸'}
                        </button>
                      )}
                    </td>
                    <ContainerStateCells c={c} now={now} />
                    <td className="num" data-checkpoint-count>
                      {facts[c.id]?.count ?? 0}
                    </td>
                    <td className="num">{facts[c.id]?.newestAt ? ago(facts[c.id]!.newestAt!, now) : '—'}</td>
                    <td className="mono">{portList(c) || '—'}</td>
                    <td className="mono muted">{shortId(c.id)}</td>
                  </tr>
                ))}
              {padBottom > 0 && <tr aria-hidden="true" className="spacer" style={{ height: padBottom }} />}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
