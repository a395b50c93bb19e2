import { useEffect, useState, type KeyboardEvent } from 'react';
import type { InspectDiffT, InspectSourceT, InspectionT } from '../../../../electron/ipc/contract';
import { bytes } from '../../../../electron/shared/format';
import { ColumnHeads } from '../../components/ColumnHeads';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBox } from '../../components/ErrorBox';
import { ViewHeader } from '../../components/ViewHeader';
import { useApp } from '../../store/app-store';
import { key, useCheckpoints } from '../../store/checkpoint-store';
import { useInspect } from '../../store/inspect-store';
import { sourceKey } from '../../store/navigation';
import { moveIndex } from '../../keys';
import { ImportPanel } from '../portable/ImportPanel';
import { FilesAndSockets, ImageFiles, MemoryMap, Overview, ProcessTree } from './panels';

const TABS = [
  'Overview',
  'Processes',
  'Memory',
  'Files & sockets',
  'Search memory',
  'Compare',
  'Image files',
] as const;
type Tab = (typeof TABS)[number];

/** What a checkpoint holds, decoded from its images — from an engine, a folder or an archive. */
export function InspectView({ source }: { source: InspectSourceT }) {
  const k = sourceKey(source);
  const state = useInspect((s) => s.inspections[k]);
  const load = useInspect((s) => s.load);
  const navigate = useApp((s) => s.navigate);
  const [tab, setTab] = useState<Tab>('Overview');

  useEffect(() => {
    void load(source);
  }, [k, load, source]);

  const onTabKey = (e: KeyboardEvent, idx: number) => {
    const to = moveIndex(e.key, idx, TABS.length, 'horizontal');
    if (to === null) return;
    e.preventDefault();
    const next = TABS[to]!;
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };

  const back = () =>
    source.kind === 'engine'
      ? navigate({ view: 'container', engineId: source.engineId, containerId: source.container })
      : navigate({ view: 'containers' });

  const i = state?.data;
  return (
    <section className="view inspect-view" aria-labelledby="inspect-title">
      <ViewHeader
        titleId="inspect-title"
        back={
          <button type="button" className="link" onClick={back}>
            ← {source.kind === 'engine' ? 'Container' : 'Containers'}
          </button>
        }
        title={
          <>
            Inside{' '}
            {i?.label ??
              (source.kind === 'engine' ? `${source.container}:${source.checkpoint}` : 'checkpoint')}
          </>
        }
        note={
          i && (
            <>
              {i.format === 'podman-export'
                ? 'checkpoint archive (Podman’s layout)'
                : i.format === 'docker'
                  ? 'Docker checkpoint'
                  : 'checkpoint folder'}
              {i.dumpedAt ? ` · dumped ${new Date(i.dumpedAt).toLocaleString()}` : ''}
              {i.imgVersion !== null ? ` · image format ${i.imgVersion}` : ''}
            </>
          )
        }
      />
      {source.kind === 'file' && <ImportPanel key={source.fileId} fileId={source.fileId} />}
      {state?.error && <ErrorBox error={state.error} />}
      {!i && !state?.error && <EmptyState title="Reading the checkpoint’s images…" />}
      {i && (
        <>
          <div role="tablist" aria-label="Inspector" className="tabs">
            {TABS.map((t, idx) => (
              <button
                key={t}
                id={`tab-${t}`}
                role="tab"
                type="button"
                aria-selected={tab === t}
                aria-controls="inspect-panel"
                tabIndex={tab === t ? 0 : -1}
                className={`tab ${tab === t ? 'selected' : ''}`}
                onClick={() => setTab(t)}
                onKeyDown={(e) => onTabKey(e, idx)}
              >
                {t}
              </button>
            ))}
          </div>
          <div id="inspect-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
            {tab === 'Overview' && <Overview i={i} />}
            {tab === 'Processes' && <ProcessTree i={i} />}
            {tab === 'Memory' && <MemoryMap i={i} />}
            {tab === 'Files & sockets' && <FilesAndSockets i={i} />}
            {tab === 'Search memory' && <SearchPanel source={source} i={i} />}
            {tab === 'Compare' && <ComparePanel source={source} />}
            {tab === 'Image files' && <ImageFiles i={i} />}
          </div>
        </>
      )}
    </section>
  );
}

function SearchPanel({ source, i }: { source: InspectSourceT; i: InspectionT }) {
  const k = sourceKey(source);
  const state = useInspect((s) => s.searches[k]);
  const search = useInspect((s) => s.search);
  const [pattern, setPattern] = useState('');
  const [regex, setRegex] = useState(false);
  const [pid, setPid] = useState(0);
  return (
    <div className="panel">
      <p className="banner banner-warning">
        A checkpoint holds everything the processes held in memory — passwords, keys, tokens. What you find
        here is as sensitive as the checkpoint itself.
      </p>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (pattern) void search(source, { pattern, regex, ...(pid ? { pid } : {}) });
        }}
      >
        <input
          type="search"
          value={pattern}
          onChange={(e) => setPattern(e.target.value)}
          placeholder="Text or regular expression"
          aria-label="Search for"
          maxLength={512}
        />
        <label className="check">
          <input type="checkbox" checked={regex} onChange={(e) => setRegex(e.target.checked)} /> Regular
          expression
        </label>
        <select value={pid} onChange={(e) => setPid(Number(e.target.value))} aria-label="In process">
          <option value={0}>All processes</option>
          {i.processes.map((p) => (
            <option key={p.pid} value={p.pid}>
              {p.comm} (pid {p.pid})
            </option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={!pattern || state?.loading}>
          {state?.loading ? 'Searching…' : 'Search'}
        </button>
      </form>
      {state?.error && <ErrorBox error={state.error} />}
      {state?.data && (
        <div data-search-results>
          <p className="muted" aria-live="polite">
            {state.data.hits.length} hit{state.data.hits.length === 1 ? '' : 's'} in{' '}
            {bytes(state.data.scannedBytes)} of dumped memory
            {state.data.truncated ? ' — stopped early (too many hits, or out of time)' : ''}.
          </p>
          {state.data.hits.map((h) => (
            <div className="hit" key={`${h.pid}/${h.address}`}>
              <div>
                <strong className="mono">{h.address}</strong>{' '}
                <span className="muted">
                  pid {h.pid} · {h.area}
                </span>
              </div>
              <pre className="hexdump">{h.hexdump.join('\n')}</pre>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function ComparePanel({ source }: { source: InspectSourceT }) {
  const lists = useCheckpoints((s) => s.lists);
  const loadList = useCheckpoints((s) => s.load);
  const diff = useInspect((s) => s.diff);
  const diffs = useInspect((s) => s.diffs);
  const [other, setOther] = useState('');
  const engineKey = source.kind === 'engine' ? key(source.engineId, source.container) : null;
  useEffect(() => {
    if (source.kind === 'engine') void loadList(source.engineId, source.container);
  }, [source, loadList]);
  if (source.kind !== 'engine') {
    return (
      <div className="panel">
        <p className="muted">
          Compare works between checkpoints of the same container on an engine: open one from its timeline.
        </p>
      </div>
    );
  }
  const candidates = (lists[engineKey!]?.data ?? []).filter(
    (c) => c.status === 'present' && c.name !== source.checkpoint,
  );
  const otherSource: InspectSourceT | null = other
    ? { kind: 'engine', engineId: source.engineId, container: source.container, checkpoint: other }
    : null;
  const d = otherSource ? diffs[`${sourceKey(source)}|${sourceKey(otherSource)}`] : undefined;
  return (
    <div className="panel">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          if (otherSource) void diff(source, otherSource);
        }}
      >
        <label>
          Compare with{' '}
          <select value={other} onChange={(e) => setOther(e.target.value)}>
            <option value="">choose a checkpoint…</option>
            {candidates.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({new Date(c.createdAt).toLocaleString()})
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={!other || d?.loading}>
          Compare
        </button>
      </form>
      {candidates.length === 0 && <p className="muted">This container has no other checkpoint.</p>}
      {d?.error && <ErrorBox error={d.error} />}
      {d?.data && <DiffView d={d.data} />}
    </div>
  );
}

function signed(n: number): string {
  return n >= 0 ? `+${bytes(n)}` : `−${bytes(-n)}`;
}

function DiffView({ d }: { d: InspectDiffT }) {
  const changes = (title: string, added: string[], removed: string[]) => (
    <>
      <h3>{title}</h3>
      {added.length + removed.length === 0 ? (
        <p className="muted">No change.</p>
      ) : (
        <ul className="changes">
          {added.map((a) => (
            <li key={`+${a}`} className="added">
              + {a}
            </li>
          ))}
          {removed.map((r) => (
            <li key={`-${r}`} className="removed">
              − {r}
            </li>
          ))}
        </ul>
      )}
    </>
  );
  return (
    <div data-diff>
      <p>
        <strong>{d.a}</strong> → <strong>{d.b}</strong>: files {signed(d.sizeDelta)}, dumped memory{' '}
        {signed(d.dumpedDelta)}, mapped {signed(d.mappedDelta)}.
      </p>
      {changes('Processes', d.processes.added, d.processes.removed)}
      {d.processes.changed.length > 0 && (
        <ul className="changes">
          {d.processes.changed.map((c) => (
            <li key={c.process}>
              ~ {c.process}: dumped {signed(c.dumpedDelta)}, mapped {signed(c.mappedDelta)}, open files{' '}
              {c.fdsDelta >= 0 ? '+' : ''}
              {c.fdsDelta}
            </li>
          ))}
        </ul>
      )}
      {changes('Open files', d.files.added, d.files.removed)}
      {changes('Sockets', d.sockets.added, d.sockets.removed)}
      <h3>Dumped memory by kind</h3>
      <table className="grid compact">
        <ColumnHeads titles={['Kind', d.a, d.b]} />
        <tbody>
          {d.memoryByKind.map((m) => (
            <tr key={m.kind}>
              <td>{m.kind}</td>
              <td className="num">{bytes(m.a)}</td>
              <td className="num">{bytes(m.b)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
