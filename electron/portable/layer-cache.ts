// Checkpoint image layers read out for the inspector, the last few kept on disk, so a diff or a
// memory search after an inspection does not read the image again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class LayerCache {
  /** By key, least recently used first. */
  private readonly layers = new Map<string, Promise<string>>();
  private dir: string | null = null;

  constructor(private readonly keep = 3) {}

  /** The file `read` writes into a folder of its own, read once while it stays among the last few. */
  get(key: string, read: (dir: string) => Promise<string>): Promise<string> {
    let p = this.layers.get(key);
    if (p) {
      // Most recently used last.
      this.layers.delete(key);
      this.layers.set(key, p);
      return p;
    }
    this.dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-studio-layers-'));
    const dir = fs.mkdtempSync(path.join(this.dir, 'l-'));
    p = read(dir);
    p.catch(() => {
      this.layers.delete(key);
      fs.rmSync(dir, { recursive: true, force: true });
    });
    this.layers.set(key, p);
    for (const [k, old] of [...this.layers].slice(0, Math.max(0, this.layers.size - this.keep))) {
      this.layers.delete(k);
      old.then((f) => fs.rmSync(path.dirname(f), { recursive: true, force: true })).catch(() => undefined);
    }
    return p;
  }

  dispose(): void {
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.layers.clear();
  }
}
