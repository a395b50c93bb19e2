// Where the private test bed is: its engines, hosts and roots as testbed.sh wrote them to its env
// file (or the environment), each an error that says how to start it when it is not up.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

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
  const env = testbedEnv();
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

/** The test bed's Podman API service. */
export function podmanEngine(): string {
  const host = testbedEnv().CS_TESTBED_PODMAN;
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

/** The test bed's registry on loopback (host:port), for checkpoint images. */
export function testbedRegistry(): string {
  const r = testbedEnv().CS_TESTBED_REGISTRY;
  if (!r) throw new Error('the test bed has no registry: run "bash testbed/testbed.sh up"');
  return r;
}

/** The env file's CS_TESTBED_* values, the environment's winning. */
function testbedEnv(): Record<string, string> {
  return { ...readEnv(), ...pick(process.env) };
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
  const env = testbedEnv();
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
  const env = testbedEnv();
  const host =
    env[`CS_TESTBED_ENGINE_${id.toUpperCase()}`] ??
    env[`CS_TESTBED_PODMAN_${id.toUpperCase()}`] ??
    (id === 'podman' ? env.CS_TESTBED_PODMAN : undefined);
  if (!host) throw new Error(`the test bed's engine ${id} is not up: run "bash testbed/testbed.sh up ${id}"`);
  return host;
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
  const env = testbedEnv();
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
  const env = testbedEnv();
  const ns = env[`CS_TESTBED_NS_${suite.toUpperCase()}`];
  const sharedTmp = env.CS_TESTBED_SHARED_TMP;
  if (!ns || !sharedTmp)
    throw new Error(`the test bed's ${suite} root is not up: run "bash testbed/testbed.sh up d26 d28"`);
  return {
    sharedTmp,
    run: (args) => execFileSync('nsenter', [`--mount=${ns}`, '--', ...args], { encoding: 'utf8' }),
  };
}
