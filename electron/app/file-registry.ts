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
/** What all open uploads may take together, and how many there may be. */
export const UPLOAD_QUOTA_BYTES = 32 * 1024 ** 3;
export const MAX_UPLOADS = 16;

export interface RegisteredFile {
  id: string;
  path: string;
  name: string;
  uploaded: boolean;
  size?: number;
  /** Made by the app for the user to take away (an export in browser mode): the only files served back. */
  download?: boolean;
}

export class FileRegistry {
  private readonly files = new Map<string, RegisteredFile>();
  /** This process's own folder of uploads: another app on the same data folder has its own. */
  private readonly dir: string;
  private inFlight = 0;

  constructor(uploadRoot: string) {
    this.dir = path.join(uploadRoot, `${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
    sweepAbandoned(uploadRoot);
  }

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

  private uploadedBytes(): number {
    let total = 0;
    for (const f of this.files.values()) if (f.uploaded) total += f.size ?? 0;
    return total;
  }

  /** Lets go of the oldest uploads until `count` more files of `bytes` fit the quota. */
  private makeRoom(bytes: number): void {
    const uploads = [...this.files.values()].filter((f) => f.uploaded);
    let total = this.uploadedBytes();
    while (
      uploads.length &&
      (uploads.length + this.inFlight >= MAX_UPLOADS || total + bytes > UPLOAD_QUOTA_BYTES)
    ) {
      const oldest = uploads.shift()!;
      this.files.delete(oldest.id);
      fs.rmSync(oldest.path, { force: true });
      total -= oldest.size ?? 0;
    }
  }

  /**
   * Streams an upload to the app's data folder, bounded in size; all uploads together are bounded
   * in number and bytes, the oldest let go first. The name is only a label.
   */
  async upload(stream: Readable, displayName: string): Promise<RegisteredFile> {
    if (this.inFlight >= MAX_UPLOADS) {
      stream.resume();
      throw new StudioError('conflict', `${MAX_UPLOADS} uploads are under way already.`, {
        hint: 'Wait for them to finish, then try again.',
      });
    }
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const id = crypto.randomBytes(12).toString('hex');
    const safeName = displayName.replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 100) || 'upload';
    const file = path.join(this.dir, `${id}-${safeName}`);
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_UPLOAD_BYTES)
        stream.destroy(
          new StudioError('invalid-argument', `uploads are limited to ${MAX_UPLOAD_BYTES} bytes`),
        );
    });
    this.inFlight++;
    try {
      await pipeline(stream, fs.createWriteStream(file, { mode: 0o600 }));
    } catch (e) {
      fs.rmSync(file, { force: true });
      throw e instanceof StudioError
        ? e
        : new StudioError('invalid-argument', `the upload did not complete: ${(e as Error).message}`);
    } finally {
      this.inFlight--;
    }
    this.makeRoom(size);
    const f = { id, path: file, name: safeName, uploaded: true, size };
    this.files.set(id, f);
    return f;
  }

  /** A path in this process's own folder for a file the app will write (an export), not yet known by id. */
  reserve(displayName: string): string {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const safeName = displayName.replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 100) || 'file';
    return path.join(this.dir, `${crypto.randomBytes(12).toString('hex')}-${safeName}`);
  }

  /** A file written at a reserved path, now the user's to download once; counted like an upload. */
  adopt(p: string, displayName: string): RegisteredFile {
    const size = fs.statSync(p).size;
    this.makeRoom(size);
    const id = crypto.randomBytes(12).toString('hex');
    const f = { id, path: p, name: displayName, uploaded: true, size, download: true };
    this.files.set(id, f);
    return f;
  }

  /** Lets go of a file the app made (downloaded, or no longer wanted). */
  release(id: string): void {
    const f = this.files.get(id);
    if (!f?.uploaded) return;
    this.files.delete(id);
    fs.rmSync(f.path, { force: true });
  }

  /** Uploaded copies are the app's to delete; picked files are the user's and stay. */
  dispose(): void {
    for (const f of this.files.values()) if (f.uploaded) fs.rmSync(f.path, { force: true });
    this.files.clear();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Uploads of app processes that are gone (a crash, a kill): nobody can open them again. */
export function sweepAbandoned(uploadRoot: string): number {
  let removed = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(uploadRoot, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const pid = Number(/^(\d+)-[0-9a-f]+$/.exec(e.name)?.[1] ?? NaN);
    // Loose files are from versions that kept every upload in one folder.
    const stale = e.isDirectory() ? Number.isInteger(pid) && !alive(pid) : e.isFile();
    if (!stale) continue;
    fs.rmSync(path.join(uploadRoot, e.name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
