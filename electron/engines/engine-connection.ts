// Keeps one engine's container list live: list once, then follow the event stream, and when the
// engine goes away, say so and reconnect with backoff (a probe while offline, never a polling loop
// while online). On reconnect the list is taken again whole, so nothing missed while away lingers.
import type { ContainerSummaryT, EngineStatusT } from '../ipc/contract';
import type { EventBus } from '../ipc/event-bus';
import { DockerEngine, explainConnectionError, type EngineIdentity } from './docker/docker-engine';
import type { EngineSpec } from './engine-spec';

/** Actions that can change what a row shows; exec_*, attach, resize, top and the like cannot. */
const RELEVANT_ACTIONS = new Set([
  'create',
  'start',
  'restart',
  'stop',
  'die',
  'kill',
  'pause',
  'unpause',
  'rename',
  'destroy',
  'update',
  'oom',
  'checkpoint',
  'health_status',
]);

const BACKOFF_MS = [250, 500, 1000, 2000, 5000];
/**
 * An idle event stream says nothing, so a hung engine would look healthy forever: while online, a
 * cheap _ping now and then proves it still answers.
 */
export const LIVENESS_INTERVAL_MS = 10_000;
const LIVENESS_TIMEOUT_MS = 5_000;
/** Events arriving together (a clone of 20) become one delta. */
const COALESCE_MS = 20;
const REFRESH_CONCURRENCY = 8;

export class EngineConnection {
  readonly engine: DockerEngine;
  private readonly containers = new Map<string, ContainerSummaryT>();
  private statusValue: EngineStatusT;
  private identityValue: EngineIdentity | null = null;
  private abort: AbortController | null = null;
  private stopped = true;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private dirty = new Set<string>();
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private settleWaiters: (() => void)[] = [];
  private onlineWaiters: (() => void)[] = [];

  constructor(
    readonly spec: EngineSpec,
    private readonly bus: EventBus,
  ) {
    this.engine = new DockerEngine(spec);
    this.statusValue = {
      id: spec.id,
      name: spec.name,
      host: spec.host,
      kind: 'unknown',
      state: 'connecting',
      since: Date.now(),
      ...(spec.sshHostKey ? { hostKey: spec.sshHostKey } : {}),
    };
    // A host key pinned on the first handshake is shown (and kept, see EngineManager) at once,
    // even if the engine behind sshd does not answer yet.
    if (this.engine.ssh) this.engine.ssh.onPinned = (hostKey) => this.setStatus({ hostKey });
  }

  get status(): EngineStatusT {
    return this.statusValue;
  }

  rename(name: string): void {
    this.spec.name = name;
    this.setStatus({ name });
  }

  get identity(): EngineIdentity | null {
    return this.identityValue;
  }

  list(): ContainerSummaryT[] {
    return [...this.containers.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.engine.close();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }

  /**
   * The state once the first connection attempt has settled (online or offline), or
   * 'connecting' if it has not within the timeout. Never waits on an engine known to be down.
   */
  settled(timeoutMs = 10000): Promise<EngineStatusT['state']> {
    if (this.statusValue.state !== 'connecting') return Promise.resolve(this.statusValue.state);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.statusValue.state), timeoutMs);
      this.settleWaiters.push(() => {
        clearTimeout(timer);
        resolve(this.statusValue.state);
      });
    });
  }

  /** Resolves true once the engine is online, false if it is not within the timeout. */
  whenOnline(timeoutMs = 10000): Promise<boolean> {
    if (this.statusValue.state === 'online') return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.onlineWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Ask for a row to be refreshed now, e.g. right after an operation the app itself did. */
  touch(id: string): Promise<void> {
    this.markDirty(id);
    return this.flushNow();
  }

  private setStatus(patch: Partial<EngineStatusT>): void {
    const next = { ...this.statusValue, ...patch };
    if (patch.state && patch.state !== this.statusValue.state) next.since = Date.now();
    if (patch.state === 'online') {
      delete next.error;
      delete next.hint;
    }
    this.statusValue = next;
    this.bus.emit('engines.statusChanged', next);
    if (next.state !== 'connecting') for (const w of this.settleWaiters.splice(0)) w();
    if (next.state === 'online') for (const w of this.onlineWaiters.splice(0)) w();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const abort = new AbortController();
    this.abort = abort;
    try {
      const identity = await this.engine.identify();
      if (this.stopped) return;
      this.identityValue = identity;
      // Subscribe from a second before the list, in the engine's own clock, so that nothing
      // between the two is missed; a replayed event only refreshes a row once more.
      const since = identity.systemTime ? Math.floor(identity.systemTime / 1000) - 1 : undefined;
      const events = this.engine.containerEvents(abort.signal, since);
      const first = events.next();
      first.catch(() => undefined); // handled below; the list may fail first
      const list = await this.engine.listContainers();
      if (this.stopped) return;
      this.containers.clear();
      for (const c of list) this.containers.set(c.id, c);
      this.attempt = 0;
      this.setStatus({
        state: 'online',
        kind: identity.kind,
        version: identity.version,
        apiVersion: identity.apiVersion,
        experimental: identity.experimental,
        ...(this.spec.sshHostKey ? { hostKey: this.spec.sshHostKey } : {}),
      });
      this.bus.emit('containers.changed', {
        engineId: this.spec.id,
        kind: 'snapshot',
        upserts: list,
        removals: [],
      });
      const liveness = setInterval(() => {
        this.engine
          .ping(LIVENESS_TIMEOUT_MS)
          .catch(() =>
            abort.abort(Object.assign(new Error('the engine stopped answering'), { name: 'TimeoutError' })),
          );
      }, LIVENESS_INTERVAL_MS);
      liveness.unref();
      abort.signal.addEventListener('abort', () => clearInterval(liveness), { once: true });
      let step = await first;
      while (!step.done) {
        const ev = step.value;
        if (RELEVANT_ACTIONS.has(ev.action.split(':')[0]!)) this.markDirty(ev.id);
        step = await events.next();
      }
      throw Object.assign(new Error('the engine closed its event stream'), { code: 'ECONNRESET' });
    } catch (e) {
      if (this.stopped) return;
      // A liveness failure aborts the stream; the reason is the abort's, not the stream's.
      const reason = abort.signal.aborted && abort.signal.reason instanceof Error ? abort.signal.reason : e;
      const err = explainConnectionError(this.spec, reason);
      const hint = err.hint;
      this.setStatus({ state: 'offline', error: err.message, ...(hint ? { hint } : {}) });
      this.scheduleReconnect();
    } finally {
      abort.abort();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)]!;
    this.attempt++;
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private markDirty(id: string): void {
    this.dirty.add(id);
    if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flushNow(), COALESCE_MS);
  }

  private flushNow(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    // Flushes run one after another so that an older inspect never overwrites a newer one.
    this.flushing = this.flushing.then(() => this.flush());
    return this.flushing;
  }

  private async flush(): Promise<void> {
    const ids = [...this.dirty];
    this.dirty.clear();
    if (ids.length === 0) return;
    const upserts: ContainerSummaryT[] = [];
    const removals: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        try {
          const summary = await this.engine.containerSummary(id);
          if (summary) {
            this.containers.set(summary.id, summary);
            upserts.push(summary);
          } else if (this.containers.delete(id)) {
            removals.push(id);
          }
        } catch {
          // The engine went away mid-refresh; the reconnect snapshot will carry the truth.
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(REFRESH_CONCURRENCY, ids.length) }, worker));
    if (upserts.length || removals.length) {
      this.bus.emit('containers.changed', { engineId: this.spec.id, kind: 'delta', upserts, removals });
    }
  }
}
