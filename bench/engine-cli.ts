// The engine's own command line, as a user would type it: its docker or podman binary, run inside
// the engine's root for today's engines (their own mount namespace), with the test bed's storage
// and configuration for Podman; and the work by hand a user would do with it. Shared by the
// benchmarks that compare the app with it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mapLimit } from '../electron/checkpoints/backends/docker-backend';
import { testbed, type MatrixEngine } from '../testbed/support';

const tb = testbed();
const env = process.env;

export function exec(file: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { env: { ...env, ...extraEnv }, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${stderr || err.message}`))
        : resolve(stdout.trim()),
    ),
  );
}

/** A shell pipeline run on this machine (work by hand); its output, trimmed. */
export function shell(script: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      'bash',
      ['-o', 'pipefail', '-c', script],
      { env: { ...env, ...extraEnv }, maxBuffer: 1 << 24 },
      (e, out, err) => (e ? reject(new Error(`${script}: ${err}`)) : resolve(out.trim())),
    ),
  );
}

/** One word for the shell, whatever it holds. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** An engine's command line: its output, trimmed. */
export type Cli = (args: string[]) => Promise<string>;

/** The engine's own command line: its docker or podman binary, inside its root for today's engines. */
export function ownCli(m: MatrixEngine): { run: Cli; scratch: string } {
  const up = m.id.toUpperCase();
  if (m.kind === 'docker') {
    const ns = env[`CS_TESTBED_ENGINE_${up}_NS`];
    return {
      run: (args) =>
        ns
          ? exec('nsenter', [`--mount=${ns}`, '--', 'docker', '-H', m.host, ...args])
          : exec(tb.dockerCli, args, { DOCKER_HOST: m.host }),
      scratch: os.tmpdir(),
    };
  }
  const p = m.id === 'podman' ? 'CS_TESTBED_PODMAN' : `CS_TESTBED_PODMAN_${up}`;
  const root = env[`${p}_ROOT`]!;
  const podmanArgs = ['--root', root, '--runroot', env[`${p}_RUNROOT`]!];
  const podmanEnv = {
    CONTAINERS_CONF: env[`${p}_CONF`]!,
    PATH: env[`${p}_PATH`]!,
    PODMAN_IGNORE_CGROUPSV1_WARNING: '1',
  };
  const ns = env[`${p}_NS`];
  // A folder both this process and the root's namespace see under one name.
  const scratch = path.join(path.dirname(root), 'bench');
  fs.mkdirSync(scratch, { recursive: true });
  return {
    run: (args) =>
      ns
        ? exec('nsenter', [
            `--mount=${ns}`,
            '--',
            'env',
            ...Object.entries(podmanEnv).map(([k, v]) => `${k}=${v}`),
            'podman',
            ...podmanArgs,
            ...args,
          ])
        : exec('podman', [...podmanArgs, ...args], podmanEnv),
    scratch,
  };
}

/** Where Docker keeps a container's checkpoint on the engine's host (here: the test bed's engines are local). */
export function checkpointFolder(dataRoot: string, container: string, checkpoint: string): string {
  return path.join(dataRoot, 'containers', container, 'checkpoints', checkpoint);
}

/**
 * Docker's clone by hand: `docker create NAME ...create` for each, the source's checkpoint folder
 * copied on the engine's host into the clone's, `docker start --checkpoint`. One clone after
 * another with plain copies; or `allAtOnce`: all created, then linked (cp -al, each made unique by a
 * file: containerd refuses a second identical checkpoint blob), then all started together.
 */
export async function dockerCloneByHand(
  docker: Cli,
  o: {
    dataRoot: string;
    source: string;
    checkpoint: string;
    count: number;
    name: (i: number) => string;
    create: string[];
    allAtOnce?: boolean;
    made?: (id: string) => void;
  },
): Promise<void> {
  const src = checkpointFolder(o.dataRoot, o.source, o.checkpoint);
  const create = async (i: number) => {
    const id = await docker(['create', '--name', o.name(i), ...o.create]);
    o.made?.(id);
    return id;
  };
  const copy = async (id: string, i: number) => {
    const dst = path.dirname(checkpointFolder(o.dataRoot, id, o.checkpoint));
    fs.mkdirSync(dst, { recursive: true });
    await exec('cp', [o.allAtOnce ? '-al' : '-r', src, dst]);
    if (o.allAtOnce) fs.writeFileSync(path.join(dst, o.checkpoint, 'unique'), String(i));
  };
  const start = (id: string) => docker(['start', '--checkpoint', o.checkpoint, id]);
  if (!o.allAtOnce) {
    for (let i = 0; i < o.count; i++) {
      const id = await create(i);
      await copy(id, i);
      await start(id);
    }
    return;
  }
  const ids = await Promise.all(Array.from({ length: o.count }, (_, i) => create(i)));
  for (const [i, id] of ids.entries()) await copy(id, i);
  await Promise.all(ids.map(start));
}

/** Podman's checkpoint of a container, left running, exported uncompressed into `file`. */
export function podmanExport(podman: Cli, container: string, file: string): Promise<string> {
  return podman([
    'container',
    'checkpoint',
    '--leave-running',
    '--compress',
    'none',
    '--export',
    file,
    container,
  ]);
}

/** Podman's clone by hand: `count` containers imported from an export, `atOnce` at a time. */
export async function podmanCloneByHand(
  podman: Cli,
  o: {
    file: string;
    count: number;
    name: (i: number) => string;
    atOnce: number;
    made?: (id: string) => void;
  },
): Promise<void> {
  const each = Array.from({ length: o.count }, (_, i) => i);
  await mapLimit(each, o.atOnce, async (i) => {
    const out = await podman(['container', 'restore', '--import', o.file, '--name', o.name(i)]);
    o.made?.(out.split('\n').at(-1)!.trim());
  });
}
