// Helpers for tests that run against the private test bed: where it is, and containers that are
// named per test and always removed afterwards.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';

const ENV_FILE = '/run/checkpoint-studio-testbed/env';
// Bundled benchmarks run from dist/bench, from the project's root.
const TESTBED_DIR = fs.existsSync(path.join(__dirname, 'testbed.sh'))
  ? __dirname
  : path.join(process.cwd(), 'testbed');

export interface Testbed {
  dockerHost: string;
  engines: Record<string, string>;
  dockerCli: string;
  busyboxImage: string;
  redisImage: string;
  /** The demo job: digits of pi, "digit N: D" per line. */
  piImage: string;
  /** A bridge network on the engine, for containers that publish ports. */
  network: string;
}

/** The running test bed, or an error that says how to start it. Tests never skip for want of one. */
export function testbed(): Testbed {
  const env: Record<string, string> = { ...readEnv(), ...pick(process.env) };
  const dockerHost = env.CS_TESTBED_DOCKER_HOST;
  if (!dockerHost) {
    throw new Error('the test bed is not up: run "npm test" (or "bash testbed/testbed.sh up" as root) first');
  }
  const engines: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    const m = /^CS_TESTBED_ENGINE_([A-Z0-9]+)$/.exec(k);
    if (m) engines[m[1]!.toLowerCase()] = v;
  }
  return {
    dockerHost,
    engines,
    dockerCli: env.CS_TESTBED_DOCKER_CLI ?? '/usr/bin/docker',
    busyboxImage: env.CS_TESTBED_BUSYBOX_IMAGE ?? 'checkpoint-studio-test/busybox:3',
    redisImage: env.CS_TESTBED_REDIS_IMAGE ?? 'checkpoint-studio-test/redis:3',
    network: env.CS_TESTBED_NETWORK ?? 'cs-net',
    piImage: env.CS_TESTBED_PI_IMAGE ?? 'checkpoint-studio-test/pi:3',
  };
}

/** The pi job's progress: the index of each digit printed so far. */
export async function piProgress(docker: Docker, id: string): Promise<number[]> {
  return (await logLines(docker, id))
    .map((l) => /^digit (\d+): \d$/.exec(l)?.[1])
    .filter((x): x is string => Boolean(x))
    .map(Number);
}

/** The test bed's Podman API service. */
export function podmanEngine(): string {
  const host = readEnv().CS_TESTBED_PODMAN ?? process.env.CS_TESTBED_PODMAN;
  if (!host)
    throw new Error(
      'the test bed\'s Podman service is not up: run "npm test" (it starts it) or "bash testbed/testbed.sh up a podman"',
    );
  return host;
}

/** The test bed's engine with experimental mode off (started as "plain"). */
export function plainEngine(): string {
  const host = testbed().engines.plain;
  if (!host)
    throw new Error(
      'the test bed\'s "plain" engine is not up: run "npm test" (it starts it) or "bash testbed/testbed.sh up a plain"',
    );
  return host;
}

function pick(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('CS_TESTBED_') && v) out[k] = v;
  return out;
}

function readEnv(): Record<string, string> {
  if (!fs.existsSync(ENV_FILE)) return {};
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(ENV_FILE, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

export function dockerFor(host: string): Docker {
  return new Docker({ socketPath: host.replace(/^unix:\/\//, '') });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
}

/** Redis as the test images run it: nothing written to disk, reachable from beside its container. */
export const REDIS_SERVER = ['redis-server', '--protected-mode', 'no', '--save', '', '--appendonly', 'no'];

export const COUNTER_SCRIPT = 'i=0; while true; do echo $i; i=$((i+1)); sleep 1; done';

/** Containers made by a test; `cleanup()` removes them all, whatever state they are in. */
export class Containers {
  private readonly made = new Set<string>();

  constructor(readonly docker: Docker) {}

  async run(opts: {
    name?: string;
    image: string;
    cmd?: string[];
    start?: boolean;
    ports?: number[];
    network?: string;
    binds?: string[];
  }): Promise<{ id: string; name: string }> {
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

  async cleanup(): Promise<void> {
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

/** Waits until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== null && v !== false) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A unix-socket relay in front of a real engine, which a test can cut and restore: to the app it
 * looks exactly like the engine going away and coming back, without disturbing the engine itself.
 */
export class SocketRelay {
  readonly path: string;
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly target: string) {
    this.path = `${os.tmpdir()}/cs-relay-${crypto.randomBytes(4).toString('hex')}.sock`;
  }

  get host(): string {
    return `unix://${this.path}`;
  }

  private stalled = false;
  /** HTTP requests the relay has passed to the engine, as "METHOD /path". */
  requests: string[] = [];

  /** The engine "hangs": connections stay open and nothing comes back, old or new. */
  stall(): void {
    this.stalled = true;
    for (const s of this.sockets) s.pause();
  }

  /** It answers again; the connections that hung are dropped, as a real recovery would. */
  unstall(): void {
    this.stalled = false;
    for (const s of this.sockets) s.destroy();
  }

  async up(): Promise<void> {
    const server = net.createServer((client) => {
      if (this.stalled) {
        this.sockets.add(client);
        client.on('close', () => this.sockets.delete(client));
        client.on('error', () => undefined);
        client.pause();
        return;
      }
      const upstream = net.connect(this.target.replace(/^unix:\/\//, ''));
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.on('data', (d: Buffer) => {
        const m = /^(GET|POST|PUT|DELETE|HEAD) (\S+)/.exec(d.toString('latin1', 0, 512));
        if (m) this.requests.push(`${m[1]} ${m[2]}`);
      });
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    fs.rmSync(this.path, { force: true });
    await new Promise<void>((resolve) => server.listen(this.path, resolve));
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(this.path, { force: true });
  }
}

/** Runs a command in a container through the engine API and returns its output (stdout+stderr). */
export async function execIn(docker: Docker, id: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString('utf8')));
  docker.modem.demuxStream(stream, out, out);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  return text.trim();
}

/** The container's output lines so far, through the engine API. */
export async function logLines(docker: Docker, id: string): Promise<string[]> {
  const buf = (await docker
    .getContainer(id)
    .logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  // Non-TTY logs are framed: 8-byte headers before each chunk.
  const out: string[] = [];
  let text = '';
  for (let i = 0; i + 8 <= buf.length;) {
    const len = buf.readUInt32BE(i + 4);
    text += buf.subarray(i + 8, i + 8 + len).toString('utf8');
    i += 8 + len;
  }
  for (const l of text.split('\n')) if (l.trim()) out.push(l.trim());
  return out;
}

/** Numbers printed by the counter, in order. */
export async function counterValues(docker: Docker, id: string): Promise<number[]> {
  return (await logLines(docker, id)).filter((l) => /^\d+$/.test(l)).map(Number);
}

/** Speaks just enough of Redis' protocol to ask one inline command over TCP on 127.0.0.1. */
export function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    sock.setTimeout(5000, () => sock.destroy(new Error('redis did not answer in 5 s')));
    sock.on('connect', () => sock.write(`${command}\r\n`));
    sock.on('data', (d) => {
      data += d.toString('utf8');
      const m = /^([+\-:])(.*)\r\n|^\$(-?\d+)\r\n/.exec(data);
      if (
        m &&
        (m[1] || (m[3] && (Number(m[3]) < 0 || data.length >= data.indexOf('\r\n') + 2 + Number(m[3]) + 2)))
      ) {
        sock.end();
        resolve(
          m[1]
            ? m[2]!
            : Number(m[3]) < 0
              ? ''
              : data.slice(data.indexOf('\r\n') + 2, data.indexOf('\r\n') + 2 + Number(m[3])),
        );
      }
    });
    sock.on('error', reject);
  });
}

/** One engine of the compatibility matrix: Debian 12's and today's (see testbed/roots.sh). */
export interface MatrixEngine {
  /** The test bed's name for it: a, podman, d26, d28, p54, p58. */
  id: string;
  host: string;
  kind: 'docker' | 'podman';
  /** What it is, for test names and the compatibility table. */
  label: string;
}

const MATRIX: { id: string; kind: 'docker' | 'podman'; label: string }[] = [
  { id: 'a', kind: 'docker', label: 'Docker 20.10 + containerd 1.6 (Debian 12)' },
  { id: 'd26', kind: 'docker', label: 'Docker 26.1 + containerd 1.7 (Debian 13)' },
  { id: 'd28', kind: 'docker', label: 'Docker 28.5 + containerd 2.1 (sid)' },
  { id: 'podman', kind: 'podman', label: 'Podman 4.3 (Debian 12)' },
  { id: 'p54', kind: 'podman', label: 'Podman 5.4 (Debian 13)' },
  { id: 'p58', kind: 'podman', label: 'Podman 5.8 (sid)' },
];

/** Every engine the stories run against; an error (never a skip) when one is not up. */
export function matrixEngines(): MatrixEngine[] {
  const env: Record<string, string> = { ...readEnv(), ...pick(process.env) };
  return MATRIX.map((m) => {
    const key =
      m.id === 'podman'
        ? 'CS_TESTBED_PODMAN'
        : m.kind === 'podman'
          ? `CS_TESTBED_PODMAN_${m.id.toUpperCase()}`
          : `CS_TESTBED_ENGINE_${m.id.toUpperCase()}`;
    const host = env[key];
    if (!host)
      throw new Error(
        `the test bed's engine ${m.id} (${m.label}) is not up: run "npm test" (it starts it) or "bash testbed/testbed.sh up ${m.id}"`,
      );
    return { ...m, host };
  });
}

/** A test-bed engine by its name (any of them, matrix or not). */
export function testbedEngine(id: string): string {
  const env: Record<string, string> = { ...readEnv(), ...pick(process.env) };
  const host =
    env[`CS_TESTBED_ENGINE_${id.toUpperCase()}`] ??
    env[`CS_TESTBED_PODMAN_${id.toUpperCase()}`] ??
    (id === 'podman' ? env.CS_TESTBED_PODMAN : undefined);
  if (!host) throw new Error(`the test bed's engine ${id} is not up: run "bash testbed/testbed.sh up ${id}"`);
  return host;
}

/** Browser mode, as a script signs in: the one-time link's token traded for a session secret. */
export async function signIn(link: string): Promise<string> {
  const u = new URL(link);
  const res = await fetch(`${u.origin}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: u.searchParams.get('token') }),
  });
  const body = (await res.json()) as { ok: boolean; value?: { session: string } };
  if (!body.ok || !body.value) throw new Error(`browser mode refused the link (${res.status})`);
  return body.value.session;
}

/** One of the test bed's hosts (testbed/hosts.sh): reached over SSH and TLS like a real machine. */
export interface TestHost {
  name: string;
  /** ssh://root@ADDRESS */
  ssh: string;
  /** tcp://ADDRESS:2376, TLS */
  tls: string;
  /** A socket under the test bed's run folder, for set-up and checks only (the app never uses it). */
  sock: string;
  /** The SHA256 fingerprint of its sshd's host key. */
  fingerprint: string;
}

export interface TestHosts {
  h1: TestHost;
  h2: TestHost;
  /** ca.pem, cert.pem and key.pem every host's dockerd accepts. */
  tlsDir: string;
  /** A client certificate from another CA, with that CA's ca.pem. */
  strangerTlsDir: string;
  sshKey: string;
  strangerSshKey: string;
}

export function testHosts(): TestHosts {
  const env: Record<string, string> = { ...readEnv(), ...pick(process.env) };
  const host = (n: 'h1' | 'h2'): TestHost => {
    const p = `CS_TESTBED_HOST_${n.toUpperCase()}`;
    const ssh = env[`${p}_SSH`];
    if (!ssh) throw new Error(`the test bed's host ${n} is not up: run "bash testbed/testbed.sh up ${n}"`);
    return {
      name: n,
      ssh,
      tls: env[`${p}_TLS`]!,
      sock: env[`${p}_SOCK`]!,
      fingerprint: env[`${p}_SSH_FINGERPRINT`]!,
    };
  };
  return {
    h1: host('h1'),
    h2: host('h2'),
    tlsDir: env.CS_TESTBED_TLS_DIR!,
    strangerTlsDir: env.CS_TESTBED_TLS_STRANGER_DIR!,
    sshKey: env.CS_TESTBED_SSH_KEY!,
    strangerSshKey: env.CS_TESTBED_SSH_STRANGER_KEY!,
  };
}

/** Cuts a test host's link, or puts it back. */
export function hostLink(host: string, state: 'up' | 'down'): void {
  execFileSync('bash', [path.join(TESTBED_DIR, 'testbed.sh'), 'link', host, state], { stdio: 'pipe' });
}

/** Shapes a test host's link to `rate` both ways (e.g. "50mbit"), or "off". */
export function shapeHost(host: string, rate: string): void {
  execFileSync('bash', [path.join(TESTBED_DIR, 'testbed.sh'), 'shape', host, rate], { stdio: 'pipe' });
}

/**
 * A command run inside one of the test bed's Debian roots (its own mount namespace), and a folder
 * both sides see at the same path: the roots' own tools (checkpointctl) read the app's files there.
 */
export function inRoot(suite: 'trixie' | 'sid'): { sharedTmp: string; run: (args: string[]) => string } {
  const env: Record<string, string> = { ...readEnv(), ...pick(process.env) };
  const ns = env[`CS_TESTBED_NS_${suite.toUpperCase()}`];
  const sharedTmp = env.CS_TESTBED_SHARED_TMP;
  if (!ns || !sharedTmp)
    throw new Error(`the test bed's ${suite} root is not up: run "bash testbed/testbed.sh up d26 d28"`);
  return {
    sharedTmp,
    run: (args) => execFileSync('nsenter', [`--mount=${ns}`, '--', ...args], { encoding: 'utf8' }),
  };
}
