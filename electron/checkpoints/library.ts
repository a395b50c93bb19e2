// The library: every checkpoint the catalog knows, of every engine and container — including those
// whose container was removed (a Podman checkpoint's archive outlives its container) and those only
// the catalog remembers — and deleting many at once, each reported.
import type { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import type { EngineRegistry } from '../engines/engine-registry';
import type { EventBus } from '../ipc/event-bus';
import type { LibraryEntryT, LibraryItemT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import { archiveFileSource, type CheckpointSource } from '../criu/sources';
import { mapLimit } from './backends/docker-backend';
import type { PodmanArchives } from './backends/podman-archives';
import type { CheckpointService } from './checkpoint-service';

export interface LibraryOutcome extends LibraryItemT {
  ok: boolean;
  error?: string;
}

export class Library {
  private readonly unsubscribe: () => void;

  constructor(
    private readonly catalog: CheckpointCatalog,
    private readonly archives: PodmanArchives,
    private readonly checkpoints: Pick<CheckpointService, 'remove' | 'locks'>,
    private readonly registry: EngineRegistry,
    private readonly bus: EventBus,
  ) {
    // A container removed (by the app, the CLI or anyone): its checkpoints are no longer on the
    // engine. One an operation holds is being replaced (a Podman restore in place), not removed.
    this.unsubscribe = bus.on('containers.changed', (c) => {
      for (const id of c.removals)
        if (!checkpoints.locks.isBusy(c.engineId, id) && catalog.markContainerGone(c.engineId, id))
          bus.emit('catalog.changed', { engineId: c.engineId, containerId: id });
    });
  }

  dispose(): void {
    this.unsubscribe();
  }

  list(): LibraryEntryT[] {
    this.markRemovedContainers();
    return this.catalog.all().map((r) => ({
      ...r,
      kept:
        r.status === 'present'
          ? 'engine'
          : this.archives.has(r.engineId, r.containerId, r.name)
            ? 'archive'
            : 'gone',
    }));
  }

  /**
   * A container removed while nobody looked still has "present" checkpoints in the catalog; the
   * engines' live lists (already kept by their connections) say which, without asking each one.
   */
  private markRemovedContainers(): void {
    for (const conn of this.registry.all()) {
      if (conn.status.state !== 'online') continue;
      const live = new Set(conn.list().map((c) => c.id));
      if (!live.size) continue;
      for (const id of this.catalog.markGoneExcept(conn.spec.id, live))
        this.bus.emit('catalog.changed', { engineId: conn.spec.id, containerId: id });
    }
  }

  /** The archive the app kept of a removed container's checkpoint, for the inspector. */
  keptSource(engineId: string, containerId: string, name: string): CheckpointSource {
    const r = this.catalog.get(engineId, containerId, name);
    if (!r || !this.archives.has(engineId, containerId, name))
      throw new StudioError('not-found', `No kept archive of ${name}: only the catalog remembers it.`);
    return {
      ...archiveFileSource(this.archives.file(engineId, containerId, name)),
      label: `${r.containerName}:${name}`,
    };
  }

  async delete(items: LibraryItemT[]): Promise<LibraryOutcome[]> {
    const out: LibraryOutcome[] = items.map((i) => ({ ...i, ok: false }));
    // One container's checkpoints one after another (each delete holds the container), containers
    // a few at a time.
    const byContainer = new Map<string, LibraryOutcome[]>();
    for (const o of out) {
      const k = `${o.engineId}/${o.containerId}`;
      byContainer.set(k, [...(byContainer.get(k) ?? []), o]);
    }
    await mapLimit([...byContainer.values()], 4, async (group) => {
      for (const o of group) {
        try {
          await this.deleteOne(o);
          o.ok = true;
        } catch (e) {
          o.error = e instanceof Error ? e.message : String(e);
        }
      }
    });
    return out;
  }

  private async deleteOne(i: LibraryItemT): Promise<void> {
    const record = this.catalog.get(i.engineId, i.containerId, i.name);
    if (!record)
      throw new StudioError('not-found', `The library has no checkpoint ${i.name} of that container.`);
    if (record.status === 'present') {
      const conn = this.registry.all().find((c) => c.spec.id === i.engineId);
      if (!conn || conn.status.state !== 'online')
        throw new StudioError(
          'engine-unreachable',
          `${conn?.status.name ?? i.engineId} is not connected: its checkpoints are deleted when it is back.`,
        );
      // The engine's own delete, under the container's lock (a restore may be using it).
      await this.checkpoints.remove(i.engineId, i.containerId, i.name);
    }
    // Whatever is left: the app's archive of a removed container, and the record.
    this.archives.remove(i.engineId, i.containerId, i.name);
    this.catalog.remove(i.engineId, i.containerId, i.name);
    this.bus.emit('catalog.changed', { engineId: i.engineId, containerId: i.containerId });
  }
}
