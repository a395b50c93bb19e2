// Files the user chose — through the desktop file picker or an upload in browser mode — known to
// the renderer only by an opaque id. The renderer never names a path: it cannot make the main
// process open anything the user did not pick.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StudioError } from '../ipc/errors';

/** Uploads bigger than this are refused: checkpoint archives of a few GB are the realistic top. */
export const MAX_UPLOAD_BYTES = 16 * 1024 ** 3;

export interface RegisteredFile {
  id: string;
  path: string;
  name: string;
  uploaded: boolean;
}

export class FileRegistry {
  private readonly files = new Map<string, RegisteredFile>();

  constructor(private readonly uploadDir: string) {}

  register(p: string, uploaded = false): RegisteredFile {
    const id = crypto.randomBytes(12).toString('hex');
    const f = { id, path: p, name: path.basename(p), uploaded };
    this.files.set(id, f);
    return f;
  }

  get(id: string): RegisteredFile {
    const f = this.files.get(id);
    if (!f)
      throw new StudioError('not-found', 'That file is no longer open in Checkpoint Studio.', {
        hint: 'Open it again.',
      });
    return f;
  }

  /** Streams an upload to the app's data folder, bounded in size; the name is only a label. */
  async upload(stream: Readable, displayName: string): Promise<RegisteredFile> {
    fs.mkdirSync(this.uploadDir, { recursive: true, mode: 0o700 });
    const id = crypto.randomBytes(12).toString('hex');
    const safeName = displayName.replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 100) || 'upload';
    const file = path.join(this.uploadDir, `${id}-${safeName}`);
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_UPLOAD_BYTES)
        stream.destroy(
          new StudioError('invalid-argument', `uploads are limited to ${MAX_UPLOAD_BYTES} bytes`),
        );
    });
    try {
      await pipeline(stream, fs.createWriteStream(file, { mode: 0o600 }));
    } catch (e) {
      fs.rmSync(file, { force: true });
      throw e instanceof StudioError
        ? e
        : new StudioError('invalid-argument', `the upload did not complete: ${(e as Error).message}`);
    }
    const f = { id, path: file, name: safeName, uploaded: true };
    this.files.set(id, f);
    return f;
  }

  /** Uploaded copies are the app's to delete; picked files are the user's and stay. */
  dispose(): void {
    for (const f of this.files.values()) if (f.uploaded) fs.rmSync(f.path, { force: true });
    this.files.clear();
  }
}
