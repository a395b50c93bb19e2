import { useState } from 'react';
import { api } from '../api/client';
import type { CallResult } from '../../../electron/ipc/contract';
import { ColumnHeads } from '../components/ColumnHeads';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBox } from '../components/ErrorBox';
import { TextField } from '../components/Field';
import { StateBadge } from '../components/StateBadge';
import { ViewHeader } from '../components/ViewHeader';
import { useApp } from '../store/app-store';
import { toErrorInfo, type ErrorInfo } from '../../../electron/ipc/errors';

type Tested = CallResult<'engines.test'>;

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
  // A changed address or key file makes the last test's answer (and its host key) stale.
  const untested = (set: (v: string) => void) => (v: string) => {
    set(v);
    setTested(null);
  };
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
      <ViewHeader
        titleId="engines-title"
        title="Engines"
        note="Every engine Checkpoint Studio connects to. Access to an engine is root on its host: add only ones you trust."
      />
      <table className="grid" aria-label="Engines">
        <ColumnHeads titles={['Name', 'Address', 'Engine', 'State', 'Actions']} />
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
          <TextField
            label="Name"
            value={name}
            onChange={setName}
            placeholder="Build server"
            ariaLabel="Engine name"
          />
          <TextField
            label="Address"
            className="grow"
            value={host}
            onChange={untested(setHost)}
            placeholder="unix:///var/run/docker.sock, tcp://host:2376, ssh://me@host"
            ariaLabel="Engine address"
          />
          {ssh ? (
            <TextField
              label="Identity file (ssh://)"
              value={identity}
              onChange={untested(setIdentity)}
              placeholder="ssh-agent, ~/.ssh/id_*"
              ariaLabel="Identity file"
            />
          ) : (
            <TextField
              label="TLS folder (tcp://)"
              value={tls}
              onChange={untested(setTls)}
              placeholder="optional"
              ariaLabel="TLS folder"
            />
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
