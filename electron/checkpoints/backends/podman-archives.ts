// Podman checkpoints, as the app keeps them: one export archive per checkpoint, in the app's
// data folder, by engine and container. Written to a temporary name and renamed when complete,
// so a failed or interrupted checkpoint never looks like a good one.
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { transferWriteStream } from '../../engines/transfer';

export interface LocalCheckpoint {
  name: string;
  /** Podman's CheckpointedAt of it: the images beside the container are this checkpoint's while it
   * still says so. */
  checkpointedAt: string;
}

export class PodmanArchives {
  constructor(private readonly root: string) {}

  private dir(engineId: string, containerId: string): string {
    return path.join(this.root, engineId, containerId);
  }

  file(engineId: string, containerId: string, name: string): string {
    return path.join(this.dir(engineId, containerId), `${name}.tar`);
  }

  list(engineId: string, containerId: string): string[] {
    try {
      return fs
        .readdirSync(this.dir(engineId, containerId))
        .filter((f) => f.endsWith('.tar'))
        .map((f) => f.slice(0, -'.tar'.length))
        .sort();
    } catch {
      return [];
    }
  }

  async write(engineId: string, containerId: string, name: string, body: Readable): Promise<void> {
    const final = this.file(engineId, containerId, name);
    fs.mkdirSync(path.dirname(final), { recursive: true, mode: 0o700 });
    const partial = `${final}.partial`;
    try {
      await pipeline(body, transferWriteStream(partial));
      fs.renameSync(partial, final);
    } finally {
      fs.rmSync(partial, { force: true });
    }
  }

  has(engineId: string, containerId: string, name: string): boolean {
    return fs.existsSync(this.file(engineId, containerId, name));
  }

  remove(engineId: string, containerId: string, name: string): void {
    fs.rmSync(this.file(engineId, containerId, name), { force: true });
    if (this.local(engineId, containerId)?.name === name) this.setLocal(engineId, containerId, null);
    // The last one of a container takes its folder along; a non-empty folder stays.
    try {
      fs.rmdirSync(this.dir(engineId, containerId));
    } catch {
      /* not empty, or already gone */
    }
  }

  private localFile(engineId: string, containerId: string): string {
    return path.join(this.dir(engineId, containerId), 'local.json');
  }

  /** Which checkpoint Podman also keeps beside the container (its images, for a restore in place). */
  local(engineId: string, containerId: string): LocalCheckpoint | null {
    try {
      const v = JSON.parse(fs.readFileSync(this.localFile(engineId, containerId), 'utf8')) as LocalCheckpoint;
      return typeof v.name === 'string' && typeof v.checkpointedAt === 'string' ? v : null;
    } catch {
      return null;
    }
  }

  setLocal(engineId: string, containerId: string, local: LocalCheckpoint | null): void {
    const file = this.localFile(engineId, containerId);
    if (local) fs.writeFileSync(file, JSON.stringify(local), { mode: 0o600 });
    else fs.rmSync(file, { force: true });
  }

  /** A restore in place gives the container a new id: its archives follow it. */
  rekey(engineId: string, oldId: string, newId: string): void {
    const from = this.dir(engineId, oldId);
    if (!fs.existsSync(from)) return;
    const to = this.dir(engineId, newId);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
  }
}
