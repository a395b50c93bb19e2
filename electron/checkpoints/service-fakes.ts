// Fakes for the unit tests of the checkpoint and clone services: one engine with a few
// containers, a backend keeping checkpoints in memory, and the capability gate. Every step any of
// them takes goes into one ordered list (`world.steps`), so a test can assert what happened in
// what order. The catalog, the journal and the cancellation are the real ones, on a temporary
// file: what a test reads from them is what the app would read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ContainerInspectInfo } from 'dockerode';
import { Cancellation } from '../app/cancellation';
import { CheckpointCatalog } from '../catalog/checkpoint-catalog';
import { Journal } from '../catalog/journal';
import { containerFromInspect } from '../engines/docker/container-mapping';
import type { EngineConnection } from '../engines/engine-connection';
import { EventBus } from '../ipc/event-bus';
import { StudioError } from '../ipc/errors';
import type {
  CheckpointBackend,
  CloneOutcome,
  CloneProgress,
  CloneSpec,
  CreateOptions,
} from './backends/backend';
import type { CapabilityGate } from './checkpoint-deps';
import type { Target } from './container-target';
import { CheckpointService } from './checkpoint-service';
import { CloneService } from './clone-service';

export const ENGINE = 'e1';

export interface FakeContainer {
  id: string;
  name: string;
  status: 'running' | 'exited' | 'paused' | 'created';
  portBindings?: Record<string, { HostIp?: string; HostPort?: string }[]>;
}

/** A step fails when its hook returns or throws an error; `undefined` lets it succeed. */
type Hook = (what: string) => Error | undefined | Promise<Error | undefined>;

export class FakeWorld {
  readonly steps: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  /** Checkpoints held by the backend, by container id. */
  readonly checkpoints = new Map<string, string[]>();
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-fakes-'));
  readonly catalog = new CheckpointCatalog(path.join(this.dir, 'catalog.db'));
  readonly journal = new Journal(this.catalog.db);
  readonly cancellation = new Cancellation();
  readonly bus = new EventBus();
  /** Per step name (e.g. 'backend.create', 'engine.start'), what makes it fail. */
  readonly failures = new Map<string, Hook>();
  /** Runs after a step succeeded (e.g. to cancel the operation there). */
  readonly after = new Map<string, (what: string) => void>();
  /** Operation refused by the capability gate, with its error. */
  refuse: { op: string; error: StudioError } | null = null;
  /** Clones the backend makes that have exited by the time anyone looks. */
  readonly exitingClones = new Set<string>();
  nextId = 1;

  add(c: Omit<FakeContainer, 'id'> & { id?: string }): FakeContainer {
    const full = { ...c, id: c.id ?? `${c.name}-id-${String(this.nextId++).padStart(12, '0')}` };
    this.containers.set(full.id, full);
    return full;
  }

  close(): void {
    this.catalog.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Records the step, then fails it if a test asked for that. */
  async step(kind: string, what: string): Promise<void> {
    this.steps.push(`${kind} ${what}`);
    const err = await this.failures.get(kind)?.(what);
    if (err) throw err;
    this.after.get(kind)?.(what);
  }

  find(ref: string): FakeContainer | undefined {
    return this.containers.get(ref) ?? [...this.containers.values()].find((c) => c.name === ref);
  }

  inspectInfo(c: FakeContainer): ContainerInspectInfo {
    return {
      Id: c.id,
      Name: `/${c.name}`,
      Image: 'sha256:img',
      Created: '2026-12-01T10:00:00Z',
      Config: { Image: 'busybox', Labels: {} },
      State: {
        Status: c.status,
        Running: c.status === 'running' || c.status === 'paused',
        Paused: c.status === 'paused',
        StartedAt: '2026-12-01T10:00:01Z',
      },
      HostConfig: { PortBindings: c.portBindings ?? {} },
      NetworkSettings: { Ports: {} },
    } as unknown as ContainerInspectInfo;
  }

  readonly conn = this.connection();

  private connection(): EngineConnection {
    const json = async (o: { method: string; path: string }) => {
      const [, , id, action] = o.path.split('/');
      await this.step(`engine.${action ?? o.method.toLowerCase()}`, id!);
      const c = this.containers.get(id!);
      if (o.method === 'DELETE') this.containers.delete(id!);
      else if (c && action === 'stop') c.status = 'exited';
      else if (c && action === 'start') c.status = 'running';
      else if (c && action === 'unpause') c.status = 'running';
      return undefined;
    };
    const inspect = async (ref: string) => {
      const c = this.find(ref);
      return c ? this.inspectInfo(c) : null;
    };
    const fake = {
      spec: { id: ENGINE, name: 'Engine one', host: 'unix:///run/fake.sock' },
      identity: { kind: 'docker', experimental: true, cpus: 4 },
      engine: {
        http: { json },
        inspect,
        containerSummary: async (ref: string) => {
          const info = await inspect(ref);
          return info ? containerFromInspect(ENGINE, info) : null;
        },
      },
      list: () => [...this.containers.values()].map((c) => containerFromInspect(ENGINE, this.inspectInfo(c))),
      touch: async () => undefined,
    };
    return fake as unknown as EngineConnection;
  }

  readonly registry = {
    online: async (id: string) => {
      if (id !== ENGINE) throw new StudioError('not-found', `No engine ${id}`);
      return this.conn;
    },
  };

  readonly capabilities: CapabilityGate = {
    require: async (_conn, _info, op) => {
      this.steps.push(`capabilities.require ${op}`);
      if (this.refuse?.op === op) throw this.refuse.error;
      return { kind: 'bridge', caps: null };
    },
    loopbackComesBackDown: () => false,
    ensure: async () => null,
  };

  readonly backend = new FakeBackend(this);

  /** The catalog's operations log, oldest first. */
  operations(): { kind: string; ok: number; error_code: string | null; checkpoint_name: string | null }[] {
    return this.catalog.db
      .prepare('SELECT kind, ok, error_code, checkpoint_name FROM operations ORDER BY id')
      .all() as { kind: string; ok: number; error_code: string | null; checkpoint_name: string | null }[];
  }

  /** The journal's open lines: what a crash now would leave to put right. */
  journalLines(): { action: string; ref: string; checkpoint: string | null }[] {
    return this.catalog.db
      .prepare('SELECT action, ref, checkpoint FROM journal_entries ORDER BY id')
      .all() as {
      action: string;
      ref: string;
      checkpoint: string | null;
    }[];
  }
}

export class FakeBackend implements CheckpointBackend {
  readonly kind = 'docker' as const;
  readonly supports = { tcpEstablished: false, fileLocks: false, clonePorts: true };

  constructor(private readonly w: FakeWorld) {}

  private held(t: Target): string[] {
    let list = this.w.checkpoints.get(t.id);
    if (!list) this.w.checkpoints.set(t.id, (list = []));
    return list;
  }

  async list(t: Target): Promise<string[]> {
    return [...this.held(t)];
  }

  async create(t: Target, name: string, o: CreateOptions): Promise<void> {
    await this.w.step('backend.create', `${name}${o.leaveRunning ? ' (leave running)' : ''}`);
    this.held(t).push(name);
    if (!o.leaveRunning) this.w.containers.get(t.id)!.status = 'exited';
  }

  async remove(t: Target, name: string): Promise<void> {
    await this.w.step('backend.remove', name);
    this.w.checkpoints.set(
      t.id,
      this.held(t).filter((n) => n !== name),
    );
  }

  async restoreInPlace(t: Target, name: string): Promise<string> {
    await this.w.step('backend.restore', name);
    this.w.containers.get(t.id)!.status = 'running';
    return t.id;
  }

  source(): never {
    throw new Error('not in these tests');
  }

  inspectSource(): never {
    throw new Error('not in these tests');
  }

  async exportTar(): Promise<never> {
    throw new Error('not in these tests');
  }

  async failureLog(): Promise<string[]> {
    return ["(00.1) Error (criu/sk-unix.c:1): unix: Can't dump a socket"];
  }

  /** Each clone is made by itself; a failure is reported on it (and it is not left behind). */
  async clone(t: Target, name: string, clones: CloneSpec[], progress: CloneProgress, signal?: AbortSignal) {
    const out: CloneOutcome[] = [];
    this.w.steps.push(`backend.clone-start ${clones.length} of ${t.name}`);
    for (const c of clones) {
      if (signal?.aborted) {
        out.push({ name: c.name, id: null, error: 'cancelled', restoreMs: null });
        continue;
      }
      progress(c.name, 'restoring');
      try {
        await this.w.step('backend.clone', `${c.name} from ${name}`);
        const made = this.w.add({
          name: c.name,
          status: this.w.exitingClones.has(c.name) ? 'exited' : 'running',
        });
        out.push({ name: c.name, id: made.id, restoreMs: 5 });
      } catch (e) {
        out.push({ name: c.name, id: null, error: (e as Error).message, restoreMs: null });
      }
    }
    return out;
  }
}

/** The two services as the composition root makes them, on the fakes. */
export function servicesOn(w: FakeWorld): { checkpoints: CheckpointService; clones: CloneService } {
  const checkpoints = new CheckpointService(
    w.registry,
    w.catalog,
    w.bus,
    { docker: w.backend, podman: w.backend },
    w.capabilities,
    w.journal,
    w.cancellation,
    { scanAfterCreate: false },
  );
  return { checkpoints, clones: new CloneService(checkpoints, w.catalog, w.bus) };
}

/** The error a promise is rejected with (the test fails if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<StudioError> {
  const e = await p.then(
    () => new Error('it succeeded'),
    (err: unknown) => err,
  );
  if (!(e instanceof StudioError)) throw e;
  return e;
}
