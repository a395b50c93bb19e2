import { useEffect, useState } from 'react';
import type { CheckpointImageT, ImportResultT } from '../../../../electron/ipc/contract';
import { toErrorInfo, type ErrorInfo } from '../../../../electron/ipc/errors';
import { ago, bytes } from '../../../../electron/shared/format';
import { api } from '../../api/client';
import { ACTIONS_HEAD, ColumnHeads } from '../../components/ColumnHeads';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBox } from '../../components/ErrorBox';
import { Field } from '../../components/Field';
import { Options } from '../../components/Options';
import { useOnlineEngine } from '../../hooks/use-online-engine';
import { useOperationProgress } from '../../hooks/use-operation-progress';
import { useApp } from '../../store/app-store';
import { imageNameProblem } from './image-text';
import { ImportResults } from './ImportPanel';
import { containerNameProblem } from './portable-text';

type Action = { kind: 'restore' | 'push' | 'remove'; image: CheckpointImageT } | null;

const nameOf = (i: CheckpointImageT) => i.refs[0] ?? i.id.replace(/^sha256:/, '').slice(0, 12);

/**
 * The checkpoint images of one engine — the app's and Podman's own — with what can be done to them:
 * restore as new containers, push to a registry, pull one, inspect, remove.
 */
export function ImagesView() {
  const navigate = useApp((s) => s.navigate);
  const { online, engineId, choose } = useOnlineEngine();
  // Kept with the engine they are of, so another engine's list never shows under this one's name.
  const [listed, setListed] = useState<{ engineId: string; images: CheckpointImageT[]; at: number } | null>(
    null,
  );
  const images = listed && listed.engineId === engineId ? listed.images : null;
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [action, setAction] = useState<Action>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ title: string; restored?: ImportResultT } | null>(null);
  const [pullRef, setPullRef] = useState('');
  const [form, setForm] = useState({ name: '', count: 1, to: '' });
  const progress = useOperationProgress();

  // Asked again after each action; an answer for an engine no longer shown is dropped.
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    if (!engineId) return;
    let live = true;
    api.call('images.list', { engineId }).then(
      (images) => live && setListed({ engineId, images, at: Date.now() }),
      (e: unknown) => live && setError(toErrorInfo(e)),
    );
    return () => {
      live = false;
    };
  }, [engineId, reloads]);

  const run = async (what: () => Promise<{ title: string; restored?: ImportResultT }>) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await what());
      setAction(null);
      setReloads((n) => n + 1);
    } catch (e) {
      setError(toErrorInfo(e));
    } finally {
      setBusy(false);
    }
  };

  const ask = (kind: 'restore' | 'push', image: CheckpointImageT) => {
    setForm({ name: '', count: 1, to: '' });
    setAction({ kind, image });
  };
  // What each row offers: its label, its button's class, what it does.
  const rowActions = (i: CheckpointImageT): [string, string, () => void][] => [
    ['Restore…', 'primary', () => ask('restore', i)],
    [
      'Inspect',
      'secondary',
      () =>
        navigate({
          view: 'inspect',
          source: { kind: 'image', engineId: engineId!, image: i.refs[0] ?? i.id },
        }),
    ],
    ['Push…', 'secondary', () => ask('push', i)],
    ['Remove…', 'danger', () => setAction({ kind: 'remove', image: i })],
  ];

  const pullProblem = pullRef ? imageNameProblem(pullRef) : null;
  const a = action;
  const nameProblem = form.name ? containerNameProblem(form.name) : null;
  const toProblem = form.to
    ? imageNameProblem(form.to)
    : 'Where to push it, e.g. registry.example:5000/team/name:tag.';

  return (
    <section className="view" aria-labelledby="images-title" data-images-view>
      <header className="view-header">
        <h1 id="images-title">Checkpoint images</h1>
        {online.length > 1 && (
          <Field label="Engine" className="inline">
            <select value={engineId ?? ''} onChange={(e) => choose(e.target.value)}>
              <Options items={online.map((e) => [e.id, e.name])} />
            </select>
          </Field>
        )}
      </header>
      <form
        className="inline-form"
        data-image-pull
        onSubmit={(e) => {
          e.preventDefault();
          if (!engineId || !pullRef || pullProblem || busy) return;
          const opId = progress.start();
          void run(async () => {
            const img = await api.call('images.pull', { engineId, image: pullRef, opId });
            return {
              title: `Pulled ${nameOf(img)}: ${img.container}${img.checkpoint ? `:${img.checkpoint}` : ''}`,
            };
          });
        }}
      >
        <label>
          <span>Pull a checkpoint image</span>
          <input
            value={pullRef}
            placeholder="registry.example:5000/team/redis-warm:cp1"
            onChange={(e) => setPullRef(e.target.value)}
            aria-invalid={Boolean(pullProblem)}
            spellCheck={false}
          />
        </label>
        <button type="submit" className="secondary" disabled={!pullRef || Boolean(pullProblem) || busy}>
          Pull
        </button>
        {pullProblem && <p className="field-error">{pullProblem}</p>}
      </form>
      {busy && progress.lines.length > 0 && <p aria-live="polite">{progress.lines.at(-1)}</p>}
      {error && <ErrorBox error={error} />}
      {result && (
        <div role="status" data-image-result>
          <p>{result.title}</p>
          {result.restored && <ImportResults result={result.restored} />}
        </div>
      )}
      {!engineId ? (
        <EmptyState title="No engine is online">Connect an engine to see its checkpoint images.</EmptyState>
      ) : images === null ? (
        <p className="muted">Loading…</p>
      ) : images.length === 0 ? (
        <EmptyState title="No checkpoint images yet">
          Open a container, choose a checkpoint and “Save as image…”, or pull one above.
        </EmptyState>
      ) : (
        <table className="grid" data-images>
          <ColumnHeads
            titles={['Image', 'Container', 'Checkpoint', 'Made by', 'Size', 'Created', ACTIONS_HEAD]}
          />
          <tbody>
            {images.map((i) => (
              <tr key={i.id} data-image={nameOf(i)}>
                <td className="name">{nameOf(i)}</td>
                <td>{i.container}</td>
                <td>{i.checkpoint ?? '—'}</td>
                <td>{i.madeBy === 'docker' ? 'Docker' : 'Podman'}</td>
                <td>{bytes(i.size)}</td>
                <td>{i.created ? ago(Date.parse(i.created), listed?.at ?? 0) : '—'}</td>
                <td>
                  <div className="row-actions">
                    {rowActions(i).map(([label, className, onClick]) => (
                      <button key={label} type="button" className={className} onClick={onClick}>
                        {label}
                      </button>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {a?.kind === 'restore' && engineId && (
        <ConfirmDialog
          open
          title={`Restore ${nameOf(a.image)}`}
          confirmLabel={
            busy ? 'Restoring…' : `Restore ${form.count === 1 ? 'one container' : `${form.count} containers`}`
          }
          onCancel={() => !busy && setAction(null)}
          onConfirm={() => {
            if (busy || nameProblem || !(form.count >= 1 && form.count <= 50)) return;
            const opId = progress.start();
            void run(async () => {
              const restored = await api.call('images.restore', {
                engineId,
                image: a.image.refs[0] ?? a.image.id,
                count: form.count,
                opId,
                ...(form.name ? { name: form.name } : {}),
              });
              return { title: `From ${nameOf(a.image)}`, restored };
            });
          }}
        >
          <div className="form" data-image-restore>
            <p className="muted">
              New containers that go on where {a.image.container} was when it was checkpointed.
            </p>
            <label>
              <span>Name</span>
              <input
                value={form.name}
                placeholder={a.image.container}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
                disabled={busy}
              />
            </label>
            {nameProblem && <p className="field-error">{nameProblem}</p>}
            <Field label="How many">
              <input
                type="number"
                min={1}
                max={50}
                value={form.count}
                onChange={(e) => setForm({ ...form, count: Number(e.target.value) })}
                disabled={busy}
              />
            </Field>
            {busy && <p aria-live="polite">{progress.lines.at(-1) ?? 'Restoring…'}</p>}
          </div>
        </ConfirmDialog>
      )}
      {a?.kind === 'push' && engineId && (
        <ConfirmDialog
          open
          title={`Push ${nameOf(a.image)}`}
          confirmLabel={busy ? 'Pushing…' : 'Push'}
          onCancel={() => !busy && setAction(null)}
          onConfirm={() => {
            if (busy || !form.to || imageNameProblem(form.to)) return;
            const opId = progress.start();
            void run(async () => {
              const r = await api.call('images.push', {
                engineId,
                image: a.image.refs[0] ?? a.image.id,
                to: form.to,
                opId,
              });
              return { title: `Pushed ${r.pushed}` };
            });
          }}
        >
          <div className="form" data-image-push>
            <p className="muted">
              With the engine’s own registry settings and logins; a registry on this machine’s loopback is
              spoken to over plain HTTP, as Docker does.
            </p>
            <label>
              <span>Push to</span>
              <input
                value={form.to}
                placeholder="registry.example:5000/team/name:tag"
                onChange={(e) => setForm({ ...form, to: e.target.value })}
                disabled={busy}
                spellCheck={false}
              />
            </label>
            {form.to && toProblem && <p className="field-error">{toProblem}</p>}
            {busy && <p aria-live="polite">{progress.lines.at(-1) ?? 'Pushing…'}</p>}
          </div>
        </ConfirmDialog>
      )}
      {a?.kind === 'remove' && engineId && (
        <ConfirmDialog
          open
          danger
          title={`Remove ${nameOf(a.image)}?`}
          confirmLabel="Remove"
          onCancel={() => !busy && setAction(null)}
          onConfirm={() =>
            void run(async () => {
              await api.call('images.remove', { engineId, image: a.image.refs[0] ?? a.image.id });
              return { title: `Removed ${nameOf(a.image)}` };
            })
          }
        >
          <p>
            The image goes from the engine{a.image.refs.length > 1 ? ' under this name (it has others)' : ''};
            containers restored from it stay. A copy pushed to a registry stays there.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
