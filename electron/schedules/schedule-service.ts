// Schedules as the app offers them: set, pause, remove, list, runs — and the scheduler wired to
// the checkpoint service and the catalog.
import type { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import type { CheckpointService } from '../checkpoints/checkpoint-service';
import type { PolicyRunT, PolicySettingsT, PolicyT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import type { EventBus } from '../ipc/event-bus';
import { PolicyStore } from './policy-store';
import { Scheduler } from './scheduler';

export function scheduledName(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `auto-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}-${p(now.getMilliseconds(), 3)}`;
}

export class ScheduleService {
  readonly store: PolicyStore;
  readonly scheduler: Scheduler;

  constructor(
    private readonly catalog: CheckpointCatalog,
    private readonly checkpoints: CheckpointService,
    private readonly bus: EventBus,
    now: () => number = Date.now,
  ) {
    this.store = new PolicyStore(catalog.db);
    this.scheduler = new Scheduler({
      store: this.store,
      now,
      checkpoint: async (p) => {
        const r = await this.checkpoints.create({
          engineId: p.engineId,
          container: p.containerId,
          name: scheduledName(new Date(now())),
          leaveRunning: true,
          origin: 'scheduled',
        });
        return r.name;
      },
      // Only what this schedule made: an earlier schedule's checkpoints are the user's now.
      scheduledCheckpoints: async (p) => {
        const mine = this.store.checkpointsMadeBy(p.id);
        return this.catalog
          .list(p.engineId, p.containerId)
          .filter((c) => c.origin === 'scheduled' && c.status === 'present' && mine.has(c.name))
          .map((c) => ({ name: c.name, createdAt: c.createdAt, sizeBytes: c.sizeBytes }));
      },
      remove: async (p, name) => {
        await this.checkpoints.remove(p.engineId, p.containerId, name);
      },
      onRun: (run: PolicyRunT) => this.bus.emit('schedules.ran', run),
      onChange: (p: PolicyT) =>
        this.bus.emit('schedules.changed', { engineId: p.engineId, containerId: p.containerId, policy: p }),
    });
  }

  async set(s: PolicySettingsT): Promise<PolicyT> {
    const t = await this.checkpoints.target(s.engineId, s.container);
    const p = this.store.upsert(
      {
        engineId: s.engineId,
        containerId: t.id,
        containerName: t.name,
        everyMs: s.everyMs,
        keepLast: s.keepLast,
        keepHourly: s.keepHourly,
        keepDaily: s.keepDaily,
        budgetBytes: s.budgetBytes,
        maxFailures: s.maxFailures,
      },
      Date.now(),
    );
    this.changed(p);
    return p;
  }

  private async policyOf(engineId: string, ref: string): Promise<PolicyT> {
    // A schedule outlives nothing: find it by id or name even if the engine is slow to answer.
    const byRef = this.store
      .list(engineId)
      .find((p) => p.containerId === ref || p.containerId.startsWith(ref) || p.containerName === ref);
    if (byRef) return byRef;
    throw new StudioError('not-found', `${ref} has no schedule.`, { hint: 'Set one first.' });
  }

  async pause(engineId: string, ref: string, paused: boolean): Promise<PolicyT> {
    const p = await this.policyOf(engineId, ref);
    this.store.setState(p.id, paused ? 'paused' : 'active', paused ? 'Paused by you.' : null, Date.now());
    const updated = this.store.byId(p.id)!;
    this.changed(updated);
    return updated;
  }

  async remove(engineId: string, ref: string): Promise<boolean> {
    const p = await this.policyOf(engineId, ref);
    this.store.remove(p.id);
    this.bus.emit('schedules.changed', { engineId: p.engineId, containerId: p.containerId, policy: null });
    return true;
  }

  async runs(engineId: string, ref: string, limit: number): Promise<PolicyRunT[]> {
    return this.store.runs((await this.policyOf(engineId, ref)).id, limit);
  }

  list(engineId?: string): PolicyT[] {
    return this.store.list(engineId);
  }

  private changed(p: PolicyT): void {
    this.scheduler.wake();
    this.bus.emit('schedules.changed', { engineId: p.engineId, containerId: p.containerId, policy: p });
  }
}
