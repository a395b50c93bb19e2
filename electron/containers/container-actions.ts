// What people do to containers besides checkpointing them: start, stop, restart, kill, pause,
// unpause, remove — one or many. Each container is reported on its own, a few at a time; one that a
// checkpoint, restore or clone holds is refused rather than pulled out from under it, and the app's
// own helper containers are never touched from here.
import { mapLimit } from '../checkpoints/backends/docker-backend';
import type { ContainerLocks } from '../checkpoints/container-target';
import { HELPER_LABEL } from '../engines/docker/labels';
import type { EngineRegistry } from '../engines/engine-registry';
import type { ContainerSummaryT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import { naturalCompare } from '../shared/format';
import { engineMessage } from '../checkpoints/backends/docker-backend';

import type { ContainerAction } from './container-action-names';

export { CONTAINER_ACTIONS, type ContainerAction } from './container-action-names';

export interface ActionOutcome {
  /** As the caller named it. */
  container: string;
  name: string | null;
  ok: boolean;
  error?: string;
}

/** How many containers are acted on at once: engines serialise much of this work anyway. */
const AT_ONCE = 4;

/** The engine's answer that means "already so": not a failure to the user. */
const ALREADY: Partial<Record<ContainerAction, number[]>> = {
  start: [304],
  stop: [304],
};

export class ContainerActions {
  constructor(
    private readonly registry: EngineRegistry,
    private readonly locks: ContainerLocks,
  ) {}

  async run(
    engineId: string,
    refs: string[],
    action: ContainerAction,
    progress: (o: ActionOutcome, done: number) => void = () => undefined,
  ): Promise<ActionOutcome[]> {
    const conn = await this.registry.online(engineId);
    const out: ActionOutcome[] = refs.map((container) => ({ container, name: null, ok: false }));
    let done = 0;
    await mapLimit(out, AT_ONCE, async (o) => {
      try {
        const info = await conn.engine.inspect(o.container);
        if (!info) throw new StudioError('not-found', `No container "${o.container}" on ${conn.spec.name}.`);
        o.name = (info.Name ?? '').replace(/^\//, '');
        if (info.Config?.Labels?.[HELPER_LABEL] !== undefined)
          throw new StudioError('invalid-argument', `${o.name} is one of Checkpoint Studio's own helpers.`);
        await this.locks.run(engineId, info.Id, action, () => this.act(conn.engine.http, info.Id, action));
        o.ok = true;
      } catch (e) {
        o.error = e instanceof StudioError ? e.message : engineMessage(e);
      }
      progress(o, ++done);
    });
    return out;
  }

  /** The clones the app made of a container (by their labels), in name order. */
  async clonesOf(
    engineId: string,
    ref: string,
  ): Promise<{ source: { id: string; name: string }; clones: ContainerSummaryT[] }> {
    const conn = await this.registry.online(engineId);
    const info = await conn.engine.inspect(ref);
    if (!info) throw new StudioError('not-found', `No container "${ref}" on ${conn.spec.name}.`);
    const clones = (await conn.list())
      .filter((c) => c.cloneOf?.sourceId === info.Id && c.id !== info.Id)
      .sort((a, b) => naturalCompare(a.name, b.name));
    return { source: { id: info.Id, name: (info.Name ?? '').replace(/^\//, '') }, clones };
  }

  private async act(
    http: { json<T>(o: import('../engines/docker/docker-http').RequestOptions): Promise<T> },
    id: string,
    action: ContainerAction,
  ): Promise<void> {
    const path = `/containers/${encodeURIComponent(id)}`;
    if (action === 'remove') {
      // Forced: a running container is stopped first; its volumes stay (they may hold the user's data).
      await http.json({
        method: 'DELETE',
        path,
        query: { force: true, v: false },
        ok: [204, 200],
        timeoutMs: 60_000,
      });
      return;
    }
    await http.json({
      method: 'POST',
      path: `${path}/${action}`,
      // stop and restart wait up to 10 s for the process to end, as `docker stop` does.
      query: action === 'stop' || action === 'restart' ? { t: 10 } : undefined,
      ok: [204, 200, ...(ALREADY[action] ?? [])],
      timeoutMs: action === 'stop' || action === 'restart' ? 60_000 : 30_000,
    });
  }
}
