// Containers a test makes on an engine, named per test and always removed afterwards, and the
// commands the test images run.
import crypto from 'node:crypto';
import Docker from 'dockerode';
import { eventually } from './eventually';

// The label the app puts on the clones it makes (electron/engines/docker/labels.ts).
const CLONE_LABEL = 'dev.checkpointstudio.clone-of';

export function dockerFor(host: string): Docker {
  return new Docker({ socketPath: host.replace(/^unix:\/\//, '') });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
}

/** Redis as the test images run it: nothing written to disk, reachable from beside its container. */
export const REDIS_SERVER = ['redis-server', '--protected-mode', 'no', '--save', '', '--appendonly', 'no'];

export const COUNTER_SCRIPT = 'i=0; while true; do echo $i; i=$((i+1)); sleep 1; done';

/** The counter as a container's command. */
export const COUNTER = ['sh', '-c', COUNTER_SCRIPT];

/** The demo job (the pi image): 3000 digits of pi, one a line. */
export const PI_JOB = ['awk', '-v', 'n=3000', '-f', '/usr/local/share/pi.awk'];

export interface RunOptions {
  /** Unique per test unless given. */
  name?: string;
  image: string;
  cmd?: string[];
  /** Created only when false. */
  start?: boolean;
  /** Published on 127.0.0.1, each on a port of the engine's choosing. */
  ports?: number[];
  /** 'none' unless given. */
  network?: string;
  binds?: string[];
}

/** Containers made by a test; `cleanup()` removes them all, whatever state they are in. */
export class Containers {
  private readonly made = new Set<string>();

  constructor(readonly docker: Docker) {}

  async run(opts: RunOptions): Promise<{ id: string; name: string }> {
    const name = opts.name ?? uniqueName('cs-test');
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of opts.ports ?? []) {
      exposed[`${p}/tcp`] = {};
      bindings[`${p}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: '' }];
    }
    const c = await this.docker.createContainer({
      name,
      Image: opts.image,
      ...(opts.cmd ? { Cmd: opts.cmd } : {}),
      ExposedPorts: exposed,
      // The private engine has no default bridge: containers get no network, or the test bed's.
      HostConfig: {
        NetworkMode: opts.network ?? 'none',
        PortBindings: bindings,
        ...(opts.binds ? { Binds: opts.binds } : {}),
      },
    });
    this.made.add(c.id);
    if (opts.start !== false) await c.start();
    return { id: c.id, name };
  }

  /**
   * An image this engine alone has: `base` with `script` run on it, committed as `repo:1` (a layer of
   * its own, so that no other engine holds its id). The container that made it is removed by cleanup.
   */
  async commitImage(base: string, script: string, repo: string): Promise<string> {
    const made = await this.run({ image: base, cmd: ['sh', '-c', script] });
    await eventually(
      async () => !(await this.docker.getContainer(made.id).inspect()).State.Running,
      10_000,
      'the image script to finish',
    );
    await this.docker.getContainer(made.id).commit({ repo, tag: '1' });
    return `${repo}:1`;
  }

  adopt(id: string): void {
    this.made.add(id);
  }

  /** Every clone the app made on this engine becomes ours to remove (a test's own clones, or a failed one's). */
  async adoptClones(): Promise<void> {
    const clones = await this.docker.listContainers({ all: true, filters: { label: [CLONE_LABEL] } });
    for (const c of clones) this.adopt(c.Id);
  }

  /** Removes them all; with `clones`, every clone the app left on this engine too. */
  async cleanup({ clones = false } = {}): Promise<void> {
    if (clones) await this.adoptClones();
    await Promise.all(
      [...this.made].map((id) =>
        this.docker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    this.made.clear();
  }
}

/** The image removed from the engine, whoever uses it; nothing if it is not there. */
export async function removeImage(docker: Docker, ref: string): Promise<void> {
  await docker
    .getImage(ref)
    .remove({ force: true })
    .catch(() => undefined);
}
