// Two engines in memory for the migration's unit tests: containers (running or not, with their
// checkpoints) and images, changed by a fake MigrationEngine that writes every call down in order
// and fails where a test asks. What the migration leaves is read from the engines afterwards.
import { Readable } from 'node:stream';
import type { ContainerInspectInfo } from 'dockerode';
import { Cancellation } from '../app/cancellation';
import { ContainerLocks } from '../checkpoints/container-target';
import type { EngineConnection } from '../engines/engine-connection';
import { StudioError } from '../ipc/errors';
import type * as Ports from './migration-ports';

export interface FakeContainer {
  id: string;
  name: string;
  image: string;
  running: boolean;
  checkpoints: Set<string>;
  created: number;
}

export class FakeHost {
  readonly containers = new Map<string, FakeContainer>();
  /** Image id → its names. */
  readonly images = new Map<string, string[]>();
  /** False: every call fails as an engine that does not answer. */
  answers = true;
  private next = 1;

  constructor(readonly id: string) {}

  add(name: string, image = 'sha256:app', running = true): FakeContainer {
    const c = {
      id: `${this.id}-${this.next++}`,
      name,
      image,
      running,
      checkpoints: new Set<string>(),
      created: Date.now(),
    };
    this.containers.set(c.id, c);
    return c;
  }

  find(ref: string): FakeContainer | null {
    return this.containers.get(ref) ?? [...this.containers.values()].find((c) => c.name === ref) ?? null;
  }

  get(ref: string): FakeContainer {
    this.reach();
    const c = this.find(ref);
    if (!c) throw new Error(`no such container: ${ref}`);
    return c;
  }

  reach(): void {
    if (!this.answers) throw new Error(`connect ECONNREFUSED (${this.id})`);
  }

  conn(): EngineConnection {
    const inspect = async (ref: string): Promise<ContainerInspectInfo | null> => {
      this.reach();
      const c = this.find(ref);
      if (!c) return null;
      return {
        Id: c.id,
        Name: `/${c.name}`,
        Image: c.image,
        Created: new Date(c.created).toISOString(),
        Config: { Image: 'app:1' },
        State: { Running: c.running },
        HostConfig: { NetworkMode: 'bridge' },
      } as unknown as ContainerInspectInfo;
    };
    return {
      spec: { id: this.id, name: this.id },
      identity: { kind: 'docker', experimental: true, arch: 'x86_64', dataRoot: '/var/lib/docker' },
      engine: { inspect },
      touch: async () => undefined,
    } as unknown as EngineConnection;
  }
}

type Method = keyof Ports.MigrationEngine | 'checkpoint' | 'exportTar';
/** A call anywhere, or on one engine only ('B:startFromCheckpoint'). */
type Call = Method | `${'A' | 'B'}:${Method}`;

/** Both engines, the fake engine work over them, and the call log. */
export class FakeWorld {
  readonly a = new FakeHost('A');
  readonly b = new FakeHost('B');
  readonly calls: string[] = [];
  /** Calls that fail. */
  readonly failing = new Map<Call, Error>();
  /** Runs just before a call, e.g. to cancel or to take an engine away. */
  readonly before = new Map<Call, () => void>();
  readonly conns = { A: this.a.conn(), B: this.b.conn() };

  host(conn: EngineConnection): FakeHost {
    return conn.spec.id === 'A' ? this.a : this.b;
  }

  /** Writes the call down, then fails it if a test asked so. */
  step(m: Method, conn: EngineConnection, what = ''): FakeHost {
    const here = `${conn.spec.id}:${m}` as Call;
    (this.before.get(here) ?? this.before.get(m))?.();
    this.calls.push(`${here}${what ? ` ${what}` : ''}`);
    const e = this.failing.get(here) ?? this.failing.get(m);
    if (e) throw e;
    const h = this.host(conn);
    h.reach();
    return h;
  }

  readonly engine: Ports.MigrationEngine = {
    hasNetwork: async () => true,
    hasImage: async (conn, ref) => this.host(conn).images.has(ref),
    imageIdByName: async (conn, name) =>
      [...this.host(conn).images].find(([, names]) => names.includes(name))?.[0] ?? null,
    networkKind: async () => 'bridge',
    saveImage: async (conn, name) => {
      this.step('saveImage', conn, name);
      return Readable.from([Buffer.alloc(1000)]);
    },
    loadImage: async (conn, tar) => {
      const h = this.step('loadImage', conn);
      for await (const chunk of tar) void chunk;
      // docker load moves the name to the loaded image.
      for (const names of h.images.values())
        if (names.includes('app:1')) names.splice(names.indexOf('app:1'), 1);
      h.images.set('sha256:app', ['app:1']);
    },
    createLike: async (target, source) =>
      this.step('createLike', target, source.name).add(source.name, source.imageId, false).id,
    wasTalking: async () => false,
    carryFiles: async (source, target, targetId, carry) => {
      this.step('carryFiles', target);
      await carry(async (watch) => {
        watch.meter.resume();
        watch.meter.end(Buffer.alloc(10));
      });
      return { carried: 1, deleted: 0, notDeleted: null };
    },
    carryCheckpoint: async (source, target, targetId, name, exported) => {
      const h = this.step('carryCheckpoint', target, name);
      for await (const chunk of await exported()) void chunk;
      h.get(targetId).checkpoints.add(name);
    },
    startFromCheckpoint: async (conn, id, checkpoint) => {
      const c = this.step('startFromCheckpoint', conn, checkpoint).get(id);
      if (!c.checkpoints.has(checkpoint)) throw new Error(`no checkpoint ${checkpoint}`);
      c.running = true;
    },
    deleteCheckpoint: async (conn, id, checkpoint) => {
      this.step('deleteCheckpoint', conn, checkpoint).get(id).checkpoints.delete(checkpoint);
    },
    bringLoopbackUp: async () => 'was-up',
    confirmRunning: async (conn) => {
      this.step('confirmRunning', conn);
      return { ok: true, how: 'state' };
    },
    start: async (conn, id) => {
      this.step('start', conn).get(id).running = true;
    },
    kill: async (conn, id) => {
      this.step('kill', conn).get(id).running = false;
    },
    removeContainer: async (conn, id) => {
      const h = this.step('removeContainer', conn);
      h.containers.delete(h.get(id).id);
    },
    removeImage: async (conn, id) => {
      this.step('removeImage', conn).images.delete(id);
    },
    tagImage: async (conn, id, repo, tag) => {
      this.step('tagImage', conn, `${repo}:${tag}`).images.get(id)?.push(`${repo}:${tag}`);
    },
  };

  readonly engines: Ports.MigrationEngines = {
    online: async (id: string) => {
      if (id !== 'A' && id !== 'B') throw new StudioError('not-found', `No engine ${id}.`);
      return this.conns[id];
    },
  };

  /** Capabilities measured; `cannotRestore` makes the target refuse, as a measured failure does. */
  cannotRestore: string | null = null;
  readonly journal = new FakeJournal();
  readonly cancellation = new Cancellation();

  readonly checkpoints: Ports.MigrationCheckpoints = {
    capabilities: {
      require: async (conn) => {
        if (this.cannotRestore && conn.spec.id === 'B')
          throw new StudioError(
            'unsupported',
            `Cannot clone web: ${this.cannotRestore} Nothing was stopped or created.`,
          );
        return { kind: 'bridge', caps: null };
      },
      ensure: async () => null,
      loopbackComesBackDown: () => null,
    },
    journal: this.journal,
    cancellation: this.cancellation,
    locks: new ContainerLocks(),
    backend: (conn) => ({
      create: async (t, name) => {
        const c = this.step('checkpoint', conn, name).get(t.id);
        c.running = false;
        c.checkpoints.add(name);
      },
      exportTar: async (t, name) => {
        this.step('exportTar', conn, name);
        return Readable.from([Buffer.alloc(5000)]);
      },
    }),
  };

  readonly logged: Parameters<Ports.MigrationCatalog['logOperation']>[0][] = [];
  readonly kept: Parameters<Ports.MigrationCatalog['add']>[0][] = [];
  readonly catalog = {
    logOperation: (op) => void this.logged.push(op),
    add: (c) => {
      this.kept.push(c);
      return c as never;
    },
  } satisfies Ports.MigrationCatalog;

  readonly progress: unknown[] = [];
  readonly bus: Ports.MigrationEvents = {
    emit: ((_name: string, p: unknown) => void this.progress.push(p)) as Ports.MigrationEvents['emit'],
  };
}

/** The journal's lines in memory: what a crash now would leave for recovery. */
export class FakeJournal {
  readonly ops = new Map<number, { summary: string; lines: Map<number, string> }>();
  readonly recovery = new Set<number>();
  private next = 1;

  begin(_kind: string, summary: string): number {
    const id = this.next++;
    this.ops.set(id, { summary, lines: new Map() });
    return id;
  }
  add(op: number, e: { action: string; ref: string; engineId: string }): number {
    const id = this.next++;
    this.ops.get(op)!.lines.set(id, `${e.engineId}:${e.action} ${e.ref}`);
    return id;
  }
  setRef(line: number, ref: string): void {
    for (const op of this.ops.values())
      if (op.lines.has(line)) op.lines.set(line, op.lines.get(line)!.replace(/ .*/, ` ${ref}`));
  }
  drop(line: number): void {
    for (const op of this.ops.values()) op.lines.delete(line);
  }
  end(op: number): void {
    this.ops.delete(op);
  }
  leaveToRecovery(op: number): void {
    this.recovery.add(op);
  }
}
