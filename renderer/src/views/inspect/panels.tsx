// The inspector's panels: overview, process tree, memory map, files and sockets, image files.
import { useMemo, useState } from 'react';
import type { InspectionT, InspectProcessT, MemoryAreaT } from '../../../../electron/ipc/contract';
import { bytes, millis } from '../../../../electron/shared/format';
import { ColumnHeads } from '../../components/ColumnHeads';
import { FilterInput } from '../../components/FilterInput';

export function Overview({ i }: { i: InspectionT }) {
  const t = i.totals;
  const cards: [string, string][] = [
    ['Processes', `${t.processes} (${t.threads} threads)`],
    ['Memory mapped', bytes(t.mappedBytes)],
    ['Memory dumped', `${bytes(t.pagesDumped * 4096)} (${t.pagesDumped.toLocaleString()} pages)`],
    ['Checkpoint files', bytes(t.imageBytes)],
    ['Open files', String(i.files.length)],
    ['Sockets', String(i.sockets.length)],
  ];
  return (
    <div className="panel">
      <div className="cards">
        {cards.map(([k, v]) => (
          <div className="card" key={k}>
            <div className="card-label">{k}</div>
            <div className="card-value">{v}</div>
          </div>
        ))}
      </div>
      <h3>Dump timings</h3>
      <Timings i={i} />
      {i.podman && (
        <>
          <h3>The archived container</h3>
          <dl className="facts">
            <dt>Container</dt>
            <dd>{i.podman.name ?? '—'}</dd>
            <dt>Image</dt>
            <dd>{i.podman.image ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{i.podman.createdAt ?? '—'}</dd>
            <dt>Command</dt>
            <dd className="mono">{i.podman.command?.join(' ') ?? '—'}</dd>
            <dt>Root file system changes</dt>
            <dd>{i.podman.rootfsDiffBytes === null ? 'none' : bytes(i.podman.rootfsDiffBytes)}</dd>
            <dt>Deleted files</dt>
            <dd>{i.podman.deletedFiles.length ? i.podman.deletedFiles.join(', ') : 'none'}</dd>
            <dt>Volumes</dt>
            <dd>{i.podman.volumes}</dd>
          </dl>
        </>
      )}
      {i.problems.length > 0 && (
        <div className="banner banner-warning" role="status">
          <strong>Some images could not be read</strong>
          <ul>
            {i.problems.map((p) => (
              <li key={p} className="mono">
                {p}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function Timings({ i }: { i: InspectionT }) {
  const s = i.stats;
  if (!s) {
    return (
      <p className="muted">
        This checkpoint has no CRIU statistics file: Docker&apos;s runtime deletes it after each dump (Podman
        exports keep it).
      </p>
    );
  }
  const rows: [string, number | null][] = [
    ['Freezing', s.freezingUs],
    ['Frozen', s.frozenUs],
    ['Memory dump', s.memdumpUs],
    ['Memory write', s.memwriteUs],
  ];
  const max = Math.max(1, ...rows.map(([, v]) => v ?? 0));
  return (
    <div className="bars" role="list" aria-label="Dump timings">
      {rows.map(([k, v]) => (
        <div className="bar-row" role="listitem" key={k}>
          <span className="bar-label">{k}</span>
          <span className="bar-track">
            <span className="bar-fill" style={{ width: `${((v ?? 0) / max) * 100}%` }} />
          </span>
          <span className="bar-value">{v === null ? '—' : millis(v / 1000)}</span>
        </div>
      ))}
      <p className="muted">
        Pages scanned {s.pagesScanned ?? '—'}, written {s.pagesWritten ?? '—'}, skipped (in parent){' '}
        {s.pagesSkippedParent ?? '—'}.
      </p>
    </div>
  );
}

function ProcessNode({ p, all, depth }: { p: InspectProcessT; all: InspectProcessT[]; depth: number }) {
  const children = all.filter((c) => c.ppid === p.pid && c.pid !== p.pid);
  return (
    <li
      role="treeitem"
      aria-expanded={children.length ? true : undefined}
      aria-level={depth + 1}
      data-process={p.comm}
    >
      <div className="proc">
        <span className="proc-name">{p.comm}</span>
        <span className="mono muted">pid {p.pid}</span>
        <span className="badge">{p.state}</span>
        {p.threads > 1 && <span className="muted">{p.threads} threads</span>}
        <span className="mono">{p.exe ?? ''}</span>
        <span className="muted">
          cwd {p.cwd ?? '?'} · {bytes(p.dumpedBytes)} dumped of {bytes(p.mappedBytes)} · {p.fds} fds
        </span>
      </div>
      {children.length > 0 && (
        <ul role="group">
          {children.map((c) => (
            <ProcessNode key={c.pid} p={c} all={all} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

export function ProcessTree({ i }: { i: InspectionT }) {
  const pids = new Set(i.processes.map((p) => p.pid));
  const roots = i.processes.filter((p) => !pids.has(p.ppid) || p.ppid === p.pid);
  return (
    <div className="panel">
      <ul className="tree" role="tree" aria-label="Process tree">
        {roots.map((p) => (
          <ProcessNode key={p.pid} p={p} all={i.processes} depth={0} />
        ))}
      </ul>
    </div>
  );
}

const KIND_LABEL: Record<MemoryAreaT['kind'], string> = {
  file: 'file-backed',
  anon: 'anonymous',
  heap: 'heap',
  stack: 'stack',
  vdso: 'vDSO',
  vvar: 'vvar',
  vsyscall: 'vsyscall',
  'sysv-shm': 'SysV shared',
  other: 'other',
};

export function MemoryMap({ i }: { i: InspectionT }) {
  const [pid, setPid] = useState(i.processes[0]?.pid ?? 0);
  const areas = useMemo(() => i.memory.filter((m) => m.pid === pid), [i, pid]);
  // Sizes span from 4 KiB to gigabytes: a log scale keeps every area visible.
  const maxLog = Math.max(1, ...areas.map((a) => Math.log2(a.size)));
  const width = (n: number) => (n <= 0 ? 0 : (Math.log2(n) / maxLog) * 100);
  const totals = areas.reduce(
    (acc, a) => ({ mapped: acc.mapped + a.size, dumped: acc.dumped + a.dumpedBytes }),
    { mapped: 0, dumped: 0 },
  );
  return (
    <div className="panel">
      <div className="toolbar">
        <label>
          Process{' '}
          <select value={pid} onChange={(e) => setPid(Number(e.target.value))}>
            {i.processes.map((p) => (
              <option key={p.pid} value={p.pid}>
                {p.comm} (pid {p.pid})
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {areas.length} areas · {bytes(totals.mapped)} mapped · {bytes(totals.dumped)} dumped
        </span>
        <span className="legend">
          <span className="legend-item mem-file">file-backed</span>
          <span className="legend-item mem-anon">anonymous</span>
          <span className="legend-item mem-dumped">dumped</span>
        </span>
      </div>
      <div className="memmap" role="table" aria-label="Memory areas" data-memory-chart>
        {areas.map((a) => (
          <div
            className={`mem-row mem-${a.kind === 'file' ? 'file' : 'anon'}`}
            role="row"
            key={a.start}
            data-kind={a.kind}
          >
            <span className="mem-addr mono" role="cell">
              {a.start}
            </span>
            <span
              className="mem-bar"
              role="cell"
              title={`${bytes(a.size)} mapped, ${bytes(a.dumpedBytes)} dumped`}
            >
              <span className="mem-mapped" style={{ width: `${width(a.size)}%` }}>
                <span
                  className="mem-dumped-part"
                  style={{ width: `${a.size ? Math.min(100, (a.dumpedBytes / a.size) * 100) : 0}%` }}
                />
              </span>
            </span>
            <span className="mem-size" role="cell">
              {bytes(a.size)}
            </span>
            <span className="mono" role="cell">
              {a.prot}
              {a.shared ? ' s' : ' p'}
            </span>
            <span className="mem-what" role="cell">
              {a.kind === 'file' ? (a.path ?? 'file') : KIND_LABEL[a.kind]}
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}

export function FilesAndSockets({ i }: { i: InspectionT }) {
  const [filter, setFilter] = useState('');
  const q = filter.trim().toLowerCase();
  const files = i.files.filter(
    (f) => !q || `${f.pid} ${f.fd} ${f.type} ${f.description}`.toLowerCase().includes(q),
  );
  const sockets = i.sockets.filter(
    (s) => !q || `${s.pid} ${s.proto} ${s.state} ${s.local} ${s.remote ?? ''}`.toLowerCase().includes(q),
  );
  return (
    <div className="panel">
      <div className="toolbar">
        <FilterInput
          value={filter}
          onChange={setFilter}
          placeholder="Filter files and sockets"
          label="Filter files and sockets"
        />
      </div>
      <h3>Sockets</h3>
      {sockets.length === 0 ? (
        <p className="muted">None{q ? ' match' : ''}.</p>
      ) : (
        <table className="grid compact" data-sockets>
          <ColumnHeads titles={['PID', 'FD', 'Protocol', 'State', 'Local', 'Remote']} />
          <tbody>
            {sockets.map((s) => (
              <tr key={`${s.pid}/${s.fd}`}>
                <td className="num">{s.pid}</td>
                <td className="num">{s.fd}</td>
                <td>{s.proto}</td>
                <td>{s.state}</td>
                <td className="mono">{s.local}</td>
                <td className="mono">{s.remote ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Open files</h3>
      <table className="grid compact" data-files>
        <ColumnHeads titles={['PID', 'FD', 'Type', 'What']} />
        <tbody>
          {files.map((f) => (
            <tr key={`${f.pid}/${f.fd}`}>
              <td className="num">{f.pid}</td>
              <td className="num">{f.fd}</td>
              <td>{f.type}</td>
              <td className="mono">{f.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ImageFiles({ i }: { i: InspectionT }) {
  return (
    <div className="panel">
      {i.listing === 'metadata-only' && (
        <p className="muted">
          Read file by file from the engine: only the images the inspector uses and the pages files are
          listed.
        </p>
      )}
      <table className="grid compact">
        <ColumnHeads titles={['File', 'Size', 'Read as']} />
        <tbody>
          {i.imageFiles.map((f) => (
            <tr key={f.name}>
              <td className="mono">{f.name}</td>
              <td className="num">{bytes(f.size)}</td>
              <td>
                {f.kind === 'decoded' ? 'decoded' : f.kind === 'pages' ? 'memory pages (not read)' : 'listed'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
