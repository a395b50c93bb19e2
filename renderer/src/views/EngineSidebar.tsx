import { useState } from 'react';
import { api } from '../api/client';
import { useApp } from '../store/app-store';
import { StateBadge } from '../components/StateBadge';
import { OpenCheckpoint } from './inspect/open-checkpoint';
import { ALL_ENGINES } from '../store/navigation';

/** The views the sidebar opens, with the shortcuts App.tsx gives them. */
const VIEWS = [
  ['containers', 'Containers', 'Alt+1'],
  ['doctor', 'Host doctor', 'Alt+2'],
  ['engines', 'Manage engines', 'Alt+3'],
  ['images', 'Checkpoint images', 'Alt+4'],
  ['library', 'Checkpoint library', 'Alt+5'],
] as const;
const OTHER_VIEWS: string[] = VIEWS.filter(([to]) => to !== 'containers').map(([to]) => to);

export function EngineSidebar() {
  const engines = useApp((s) => s.engines);
  const selected = useApp((s) => s.selectedEngineId);
  const selectEngine = useApp((s) => s.selectEngine);
  const view = useApp((s) => s.route.view);
  const navigate = useApp((s) => s.navigate);
  const info = useApp((s) => s.info);
  const containers = useApp((s) => s.containers);

  return (
    <nav className="sidebar" aria-label="Engines and views">
      <div className="brand">
        <img src="./icon.svg" alt="" width={28} height={28} />
        <div>
          <div className="brand-name">Checkpoint Studio</div>
          {info && (
            <div className="brand-sub">
              {info.version} · {info.host === 'browser' ? 'browser mode' : 'desktop'}
            </div>
          )}
        </div>
      </div>

      <h2 className="sidebar-heading" id="engines-heading">
        Engines
      </h2>
      <ul className="engine-list" aria-labelledby="engines-heading">
        {engines.length === 0 && <li className="muted">No engine connected.</li>}
        {engines.length > 1 && (
          <li>
            <button
              type="button"
              className={`engine ${selected === ALL_ENGINES ? 'selected' : ''}`}
              aria-current={selected === ALL_ENGINES ? 'true' : undefined}
              onClick={() => selectEngine(ALL_ENGINES)}
            >
              <span className="dot" aria-hidden="true" />
              <span className="engine-name">All engines</span>
              <span className="engine-meta">
                {Object.values(containers).reduce((n, c) => n + Object.keys(c).length, 0)}
              </span>
            </button>
          </li>
        )}
        {engines.map((e) => {
          const count = Object.keys(containers[e.id] ?? {}).length;
          return (
            <li key={e.id}>
              <button
                type="button"
                className={`engine ${e.id === selected ? 'selected' : ''}`}
                aria-current={e.id === selected ? 'true' : undefined}
                onClick={() => selectEngine(e.id)}
                title={e.host}
              >
                <span className={`dot dot-${e.state}`} aria-hidden="true" />
                <span className="engine-name">{e.name}</span>
                <span className="engine-meta">
                  {e.state === 'online' ? `${count}` : <StateBadge state={e.state} />}
                </span>
              </button>
            </li>
          );
        })}
      </ul>

      <h2 className="sidebar-heading">Views</h2>
      <ul className="nav-list">
        {VIEWS.map(([to, label, keys]) => {
          // Containers stands for every view of containers: the list, one container, the inspector.
          const here = to === 'containers' ? !OTHER_VIEWS.includes(view) : view === to;
          return (
            <li key={to}>
              <button
                type="button"
                className={`nav ${here ? 'selected' : ''}`}
                aria-current={here ? 'page' : undefined}
                onClick={() => navigate({ view: to })}
              >
                {`${label} `}
                <kbd>{keys}</kbd>
              </button>
            </li>
          );
        })}
        <li>
          <OpenCheckpoint />
        </li>
        {info?.host === 'browser' && (
          <li>
            <NewTabButton />
          </li>
        )}
      </ul>
    </nav>
  );
}

/**
 * Browser mode signs each tab in with a one-time link; this one asks for a new link and opens
 * it, so a second tab needs no trip to the terminal.
 */
function NewTabButton() {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="nav"
        data-new-tab
        onClick={() => {
          setError(null);
          api.call('app.createLink', {}).then(
            ({ url }) => window.open(url, '_blank', 'noopener'),
            (e: Error) => setError(e.message),
          );
        }}
      >
        New tab
      </button>
      {error && <p className="field-error">{error}</p>}
    </>
  );
}
