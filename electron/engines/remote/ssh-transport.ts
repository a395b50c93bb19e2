// An engine behind SSH: one SSH connection per engine (ssh2), and for each HTTP connection a channel
// to the engine's socket — forwarded by sshd, or where it does not forward sockets, running
// `docker system dial-stdio` on the host as the docker CLI does.
// One handshake serves every request, so a migration's hundred calls cost one login, not a hundred
// (docker-modem's own ssh mode logs in again for each request and checks no host key).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import util from 'node:util';
import type { Client, ConnectConfig } from 'ssh2';
import { createRequire } from 'node:module';
import { StudioError } from '../../ipc/errors';
import type { EngineSpec } from '../engine-spec';

const lazyRequire = createRequire(__filename);

/** "SHA256:…" as `ssh-keygen -l` prints it: what people compare with their host's key. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Where a rootful engine listens on its host. */
const DOCKER_SOCKET = '/var/run/docker.sock';

/** http expects a socket; a channel has no timers or Nagle to tune. */
function socketLike(stream: Duplex): Duplex {
  const s = stream as unknown as Record<string, unknown>;
  for (const m of ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref'])
    if (typeof s[m] !== 'function') s[m] = () => stream;
  return stream;
}

/** OpenSSH's default MaxSessions is 10 per connection; the event stream and log follows hold some. */
const MAX_CHANNELS = 8;

/** The keys ssh itself tries when none is named, in its order. */
const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function identities(spec: EngineSpec): { keys: { file: string; key: Buffer }[]; agent?: string } {
  const files = spec.sshKey
    ? [spec.sshKey]
    : DEFAULT_KEYS.map((k) => path.join(os.homedir(), '.ssh', k)).filter((f) => fs.existsSync(f));
  const keys = files.map((file) => {
    try {
      return { file, key: fs.readFileSync(file) };
    } catch (e) {
      throw new StudioError('invalid-argument', `Cannot read the SSH key ${file}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  });
  return { keys, ...(process.env.SSH_AUTH_SOCK && !spec.sshKey ? { agent: process.env.SSH_AUTH_SOCK } : {}) };
}

/** Why the last handshake was refused by us, to tell it apart from a refusal by the host. */
interface Refusal {
  expected: string;
  presented: string;
}

export class SshTransport {
  private client: Promise<Client> | null = null;
  private refusal: Refusal | null = null;
  /** The host key seen on the last handshake. */
  seenHostKey: string | null = null;
  readonly agent: http.Agent;

  /** The key is pinned into `spec` on the first handshake when nothing was pinned before. */
  constructor(private readonly spec: EngineSpec) {
    const url = new URL(spec.host);
    this.target = {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 22),
      username: decodeURIComponent(url.username) || os.userInfo().username,
    };
    // OpenSSH allows 10 sessions per connection by default (MaxSessions): stay under it.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8, maxFreeSockets: 4 });
    // http.Agent takes an asynchronous connection through the callback form of createConnection.
    (agent as unknown as { createConnection: unknown }).createConnection = (
      _opts: unknown,
      cb: (err: Error | null, socket?: Duplex) => void,
    ) => {
      this.channel().then(
        (ch) => cb(null, ch),
        (e: unknown) => cb(e instanceof Error ? e : new Error(String(e))),
      );
      return undefined;
    };
    // docker-modem formats every request's options with util.inspect (showHidden, no depth limit)
    // even with its debug log off; through this agent that walked the whole ssh2 client and every
    // buffer in flight: 60 % of a migration's CPU over SSH and event-loop stalls of seconds.
    Object.defineProperty(agent, util.inspect.custom, { value: () => `[ssh agent ${url.host}]` });
    this.agent = agent;
  }

  private readonly target: { host: string; port: number; username: string };

  /** Whether sshd forwards to the engine's socket (undefined: not tried yet). */
  private streamLocal: boolean | undefined;

  /** Channels open or opening: never more than OpenSSH lets one connection have. */
  private open = 0;
  private readonly waiting: (() => void)[] = [];
  /** Told when a host key is pinned on a first handshake, so that it can be kept. */
  onPinned: (fingerprint: string) => void = () => undefined;

  private async slot(): Promise<() => void> {
    if (this.open >= MAX_CHANNELS) await new Promise<void>((r) => this.waiting.push(r));
    this.open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
      this.waiting.shift()?.();
    };
  }

  /** A channel to the engine's socket on the host, over the shared connection. */
  async channel(): Promise<Duplex> {
    const release = await this.slot();
    let client: Client;
    try {
      client = await this.connection();
    } catch (e) {
      release();
      throw e;
    }
    // Straight to the engine's socket when sshd forwards Unix sockets (no process to start on the
    // host for each connection); else as the docker CLI does, through `docker system dial-stdio`.
    if (this.streamLocal !== false) {
      const direct = await new Promise<Duplex | null>((resolve) =>
        client.openssh_forwardOutStreamLocal(DOCKER_SOCKET, (err, stream) =>
          resolve(err ? null : (stream as unknown as Duplex)),
        ),
      );
      if (direct) {
        this.streamLocal = true;
        direct.once('close', release);
        return socketLike(direct);
      }
      if (this.streamLocal === undefined) this.streamLocal = false;
    }
    return new Promise((resolve, reject) => {
      client.exec('docker system dial-stdio', (err, stream) => {
        if (err) {
          // One refused channel (the host's session limit) fails that request, not the connection.
          release();
          reject(err);
          return;
        }
        stream.once('close', release);
        let stderr = '';
        stream.stderr.on('data', (d: Buffer) => {
          if (stderr.length < 4096) stderr += d.toString();
        });
        stream.on('exit', (code: number | null) => {
          if (code && code !== 0)
            (stream as unknown as Duplex).destroy(
              Object.assign(new Error(stderr.trim() || `docker system dial-stdio exited with ${code}`), {
                code: code === 127 ? 'ENODOCKER' : 'EDIALSTDIO',
              }),
            );
        });
        resolve(socketLike(stream as unknown as Duplex));
      });
    });
  }

  private connection(): Promise<Client> {
    if (this.client) return this.client;
    const { keys, agent } = identities(this.spec);
    this.refusal = null;
    const pinned = this.spec.sshHostKey ?? null;
    // A new connection asks sshd again (the engine may have been down when it was last refused).
    this.streamLocal = undefined;
    // This handshake's own key: another handshake (after a reconnect) never writes over it.
    let presented: string | null = null;
    // ssh2 is loaded by the first SSH engine that connects, not by every start of the CLI — with
    // require, not import(): the CLI runs from a V8 code cache, where import() has no loader.
    const promise = Promise.resolve().then(() => {
      const ssh2 = lazyRequire('ssh2') as typeof import('ssh2');
      return new Promise<Client>((resolve, reject) => {
        const c = new ssh2.Client();
        const authHandler = [
          ...keys.map((k) => ({ type: 'publickey' as const, username: this.target.username, key: k.key })),
          ...(agent ? [{ type: 'agent' as const, username: this.target.username, agent }] : []),
        ];
        const config: ConnectConfig = {
          host: this.target.host,
          port: this.target.port,
          username: this.target.username,
          readyTimeout: 10_000,
          keepaliveInterval: 10_000,
          keepaliveCountMax: 3,
          authHandler: authHandler as unknown as ConnectConfig['authHandler'],
          hostVerifier: (key: Buffer) => {
            presented = fingerprint(key);
            this.seenHostKey = presented;
            if (pinned && pinned !== presented) {
              this.refusal = { expected: pinned, presented };
              return false;
            }
            return true;
          },
        };
        c.on('ready', () => {
          // The first key seen is kept; a later handshake is held to it like any other.
          if (!this.spec.sshHostKey && presented) {
            this.spec.sshHostKey = presented;
            this.onPinned(presented);
          } else if (this.spec.sshHostKey && presented !== this.spec.sshHostKey) {
            this.refusal = { expected: this.spec.sshHostKey, presented: presented ?? 'none' };
            c.end();
            reject(this.explain(new Error('host key changed'), [], false));
            return;
          }
          resolve(c);
        });
        c.on('error', (e: Error & { level?: string }) => {
          this.forget(promise);
          reject(
            this.explain(
              e,
              keys.map((k) => k.file),
              Boolean(agent),
            ),
          );
        });
        c.on('close', () => this.forget(promise));
        try {
          c.connect(config);
        } catch (e) {
          reject(this.explain(e as Error, [], false));
        }
      });
    });
    this.client = promise;
    promise.catch(() => undefined);
    return promise;
  }

  /** Drops a connection that ended — only if it is still the current one. */
  private forget(which: Promise<Client>): void {
    if (this.client !== which) return;
    this.client = null;
    which.then((c) => c.end()).catch(() => undefined);
  }

  private reset(): void {
    const old = this.client;
    this.client = null;
    old?.then((c) => c.end()).catch(() => undefined);
  }

  close(): void {
    this.agent.destroy();
    this.reset();
  }

  /** ssh2's failure, said the way the user can act on it. */
  private explain(e: Error & { level?: string; code?: string }, keyFiles: string[], agent: boolean): Error {
    const where = `${this.target.username}@${this.target.host}${this.target.port === 22 ? '' : `:${this.target.port}`}`;
    if (this.refusal) {
      return new StudioError(
        'engine-unreachable',
        `The SSH host key of ${where} changed: it was ${this.refusal.expected}, now it is ${this.refusal.presented}. Nothing was sent to it.`,
        {
          hint: 'If the host was reinstalled or its keys rotated, check the new key with its administrator, then remove this engine and add it again. Otherwise someone may be in the way.',
          cause: e,
        },
      );
    }
    if (e.level === 'client-authentication') {
      const tried = [...keyFiles, ...(agent ? ['the ssh agent'] : [])];
      return new StudioError(
        'engine-unreachable',
        `${where} refused the SSH login${tried.length ? ` with ${tried.join(', ')}` : ' (no key to offer)'}.`,
        {
          hint: tried.length
            ? `Add that key's public half to ~${this.target.username === 'root' ? 'root' : this.target.username}/.ssh/authorized_keys on the host, or choose the key it knows.`
            : 'Choose an identity file (a private key the host accepts), or load one into ssh-agent.',
          cause: e,
        },
      );
    }
    if (e.level === 'client-timeout') {
      return new StudioError('engine-unreachable', `${where} did not finish the SSH handshake in time.`, {
        hint: 'The host or its sshd may be overloaded, or something between drops the connection.',
        cause: e,
      });
    }
    // Socket-level failures keep their code: explainConnectionError words them.
    return e;
  }
}
