// Browser mode: a file the app made to be taken away (an export) is handed to the browser's own
// download, under the name the app chose: a one-time ticket is asked with the session (the
// session never leaves the page), then the browser fetches the file by it.
import { openEnvelope, StudioError, type Envelope } from '../../../electron/ipc/errors';
import { sessionHeaders } from './client';

export async function downloadFile(fileId: string, name: string): Promise<void> {
  let res: Response;
  try {
    // Signed in as the upload is: the session header, never a cookie.
    res = await fetch(`./api/download?id=${encodeURIComponent(fileId)}`, {
      method: 'POST',
      headers: sessionHeaders(),
      credentials: 'omit',
    });
  } catch {
    throw new StudioError('engine-unreachable', 'Lost contact with Checkpoint Studio.', {
      hint: 'Is "checkpoint-studio serve" (or npm start) still running?',
    });
  }
  if (!res.ok) {
    // The app explains a refusal in the usual envelope; anything else is said as it came.
    const env = (await res.json().catch(() => null)) as Envelope<unknown> | null;
    if (env && !env.ok) throw StudioError.fromInfo(env.error);
    throw new StudioError('internal', `The download of ${name} failed (HTTP ${res.status}).`);
  }
  // The browser fetches it itself by a one-time ticket: streamed to disk, never held in memory.
  const { url } = openEnvelope((await res.json()) as Envelope<{ url: string }>);
  const a = document.createElement('a');
  a.href = new URL(`.${url}`, document.baseURI).href;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}
