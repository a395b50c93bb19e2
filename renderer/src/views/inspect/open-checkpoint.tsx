// "Open checkpoint…": the desktop file picker in Electron; a file chooser or a drop on the window
// in browser mode, uploaded to the app. Either way the renderer only ever holds an opaque id.
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { useApp } from '../../store/app-store';
import { uploadForInspection } from '../../store/inspect-store';
import { toErrorInfo } from '../../../../electron/ipc/errors';

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.zst|tzst)$/i;

function useOpenFile() {
  const navigate = useApp((s) => s.navigate);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = async (file: File) => {
    if (window.studio) {
      setError('In the desktop app, use “Open checkpoint archive…” in the sidebar.');
      return;
    }
    if (!ARCHIVE.test(file.name)) {
      setError(`${file.name} is not a checkpoint archive`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const f = await uploadForInspection(file);
      navigate({ view: 'inspect', source: { kind: 'file', fileId: f.fileId } });
    } catch (e) {
      setError(toErrorInfo(e).message);
    } finally {
      setBusy(false);
    }
  };
  return { open, busy, error };
}

export function OpenCheckpoint() {
  const input = useRef<HTMLInputElement>(null);
  const navigate = useApp((s) => s.navigate);
  const desktop = useApp((s) => s.info?.host === 'electron');
  const { open, busy, error } = useOpenFile();
  const pick = async (kind: 'archive' | 'folder') => {
    try {
      const r = await api.call('files.pick', { kind });
      if (r.fileId) navigate({ view: 'inspect', source: { kind: 'file', fileId: r.fileId } });
    } catch {
      /* cancelled or refused: nothing to do */
    }
  };
  if (desktop) {
    return (
      <div className="open-checkpoint">
        <button type="button" className="nav" onClick={() => void pick('archive')}>
          Open checkpoint archive…
        </button>
        <button type="button" className="nav" onClick={() => void pick('folder')}>
          Open checkpoint folder…
        </button>
      </div>
    );
  }
  return (
    <div className="open-checkpoint">
      <button type="button" className="nav" onClick={() => input.current?.click()} disabled={busy}>
        {busy ? 'Uploading…' : 'Open checkpoint…'}
      </button>
      <input
        ref={input}
        type="file"
        accept=".tar,.gz,.tgz,.zst,.tzst"
        hidden
        data-open-checkpoint
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void open(f);
          e.target.value = '';
        }}
      />
      {error && <p className="field-error">{error}</p>}
      <p className="muted hint">or drop an archive on the window</p>
    </div>
  );
}

/** Dropping an archive anywhere on the window opens it (browser mode). */
export function useFileDrop(): { over: boolean; error: string | null } {
  const { open, error } = useOpenFile();
  const [over, setOver] = useState(false);
  useEffect(() => {
    const onOver = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setOver(true);
    };
    const onLeave = (e: DragEvent) => {
      if (e.relatedTarget === null) setOver(false);
    };
    const onDrop = (e: DragEvent) => {
      e.preventDefault();
      setOver(false);
      const f = e.dataTransfer?.files?.[0];
      if (f) void open(f);
    };
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  });
  return { over, error };
}
