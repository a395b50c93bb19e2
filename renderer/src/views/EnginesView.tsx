import { useState } from 'react';
import { api } from '../api/client';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBox } from '../components/ErrorBox';
import { StateBadge } from '../components/StateBadge';
import { useApp } from '../store/app-store';
import { toErrorInfo, type ErrorInfo } from '../../../electron/ipc/errors';

type Tested = {
  ok: boolean;
  hostKey?: string;
  kind?: string;
  version?: string;
  experimental?: boolean;
  error?: string;
  hint?: string;
};

/** Add, test, rename and remove engines: local sockets, tcp:// with TLS, ssh://. */
export function EnginesView() {
  const engines = useApp((s) => s.engines);
  const [name, setName] = useState('');
  const [host, setHost] = useState('');
  const [tls, setTls] = useState('');
  const [identity, setIdentity] = useState('');
  const [tested, setTested] = useState<Tested | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);

  const ssh = host.trim().startsWith('ssh://');
  const args = () => ({
    host: host.trim(),
    ...(!ssh && tls.trim() ? { tlsDir: tls.trim() } : {}),
    ...(ssh && identity.trim() ? { identityFile: identity.trim() } : {}),
  });
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="view" aria-labelledby="engines-title">
      <header className="view-header">
        <div>
          <h1 id="engines-title">Engines</h1>
          <p className="muted">
            Every engine Checkpoint Studio connects to. Access to an engine is root on its host: add only ones
            you trust.
          </p>
        </div>
      </header>
      <table className="grid" aria-label="Engines">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Address</th>
            <th scope="col">Engine</th>
            <th scope="col">State</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {engines.map((e) => (
            <tr key={e.id} data-engine={e.id}>
              <td className="name">
                {renaming?.id === e.id ? (
                  <form
                    onSubmit={(ev) => {
                      ev.preventDefault();
                      void run(async () => {
                        await api.call('engines.rename', { engineId: e.id, name: renaming.name });
                        setRenaming(null);
                      });
                    }}
                  >
                    <input
                      type="text"
                      value={renaming.name}
                      onChange={(ev) => setRenaming({ id: e.id, name: ev.target.value })}
                      aria-label="New name"
                      autoFocus
                    />
                  </form>
                ) : (
                  e.name
                )}
              </td>
              <td className="mono">
                {e.host}
                {e.hostKey && (
                  <div className="muted small" title="The SSH host key every connection is held to">
                    host key {e.hostKey}
                  </div>
                )}
              </td>
              <td>
                {e.kind === 'unknown'
                  ? '—'
                  : `${e.kind === 'podman' ? 'Podman' : 'Docker'} ${e.version ?? ''}${e.experimental === false && e.kind === 'docker' ? ' (experimental off)' : ''}`}
              </td>
              <td>
                <StateBadge state={e.state} /> {e.error && <span className="muted">{e.error}</span>}
              </td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => setRenaming({ id: e.id, name: e.name })}
                >
                  Rename
                </button>{' '}
                <button type="button" className="link" onClick={() => setRemoving(e.id)}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Add an engine</h2>
      <form
        className="form add-engine"
        onSubmit={(ev) => {
          ev.preventDefault();
          void run(async () => {
            // The key the user saw in the test is the one the engine is held to from now on.
            await api.call('engines.add', {
              name: name.trim(),
              ...args(),
              ...(ssh && tested?.hostKey ? { hostKey: tested.hostKey } : {}),
            });
            setName('');
            setHost('');
            setTls('');
            setIdentity('');
            setTested(null);
          });
        }}
      >
        <div className="row">
          <label>
            <span>Name</span>
            <input
              type="text"
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="Build server"
              aria-label="Engine name"
            />
          </label>
          <label className="grow">
            <span>Address</span>
            <input
              type="text"
              value={host}
              onChange={(e) => {
                setHost(e.target.value);
                setTested(null);
              }}
              placeholder="unix:///var/run/docker.sock, tcp://host:2376, ssh://me@host"
              aria-label="Engine address"
            />
          </label>
          {ssh ? (
            <label>
              <span>Identity file (ssh://)</span>
              <input
                type="text"
                value={identity}
                onChange={(e) => {
                  setIdentity(e.target.value);
                  setTested(null);
                }}
                placeholder="ssh-agent, ~/.ssh/id_*"
                aria-label="Identity file"
              />
            </label>
          ) : (
            <label>
              <span>TLS folder (tcp://)</span>
              <input
                type="text"
                value={tls}
                onChange={(e) => {
                  setTls(e.target.value);
                  setTested(null);
                }}
                placeholder="optional"
                aria-label="TLS folder"
              />
            </label>
          )}
        </div>
        <div className="toolbar">
          <button
            type="button"
            className="secondary"
            disabled={!host.trim() || busy}
            onClick={() => void run(async () => setTested(await api.call('engines.test', args())))}
          >
            Test
          </button>
          <button type="submit" className="primary" disabled={!name.trim() || !host.trim() || busy}>
            Add engine
          </button>
          {tested && (
            <span className={tested.ok ? 'test-ok' : 'field-error'} data-engine-test>
              {tested.ok
                ? `Answers: ${tested.kind === 'podman' ? 'Podman' : 'Docker'} ${tested.version}${tested.experimental === false && tested.kind === 'docker' ? ' — experimental mode off, it cannot checkpoint' : ''}`
                : `${tested.error} ${tested.hint ?? ''}`}
              {tested.hostKey && (
                <span className="mono" data-host-key>
                  {' '}
                  Host key {tested.hostKey}: adding holds every connection to it.
                </span>
              )}
            </span>
          )}
        </div>
      </form>
      {error && <ErrorBox error={error} />}
      <ConfirmDialog
        open={removing !== null}
        title="Remove this engine?"
        confirmLabel="Remove"
        danger
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          const id = removing!;
          setRemoving(null);
          void run(async () => {
            await api.call('engines.remove', { engineId: id });
          });
        }}
      >
        <p>
          Checkpoint Studio disconnects from it and forgets it. Its containers and checkpoints are not
          touched.
        </p>
      </ConfirmDialog>
    </section>
  );
}
