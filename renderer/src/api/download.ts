// Browser mode: a file the app made to be taken away (an export) is fetched once and handed to the
// browser's own download, under the name the app chose.
import { StudioError, type Envelope } from '../../../electron/ipc/errors';
import { sessionHeaders } from './client';

// Revoking the URL in the same turn as the click can abort the download in some browsers; a
// minute is far more than any needs to start reading the blob.
const REVOKE_AFTER_MS = 60_000;

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
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
