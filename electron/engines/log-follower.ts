// Follows a container's output for the log pane, across stops and restores: when the container
// stops the stream ends; when it runs again (a restore), following resumes from the last line
// seen, so the user watches the counter pick up where it was.
import crypto from 'node:crypto';
import { PassThrough } from 'node:stream';
import { StudioError } from '../ipc/errors';
import type { EventBus } from '../ipc/event-bus';
import type { EngineRegistry } from './engine-registry';
import type { EngineConnection } from './engine-connection';

const MAX_SUBSCRIPTIONS = 32;
const BATCH_MS = 50;
/** "2026-11-29T00:12:03.123456789Z line" — Docker's timestamps=1 prefix. */
const TS_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) ?/;

/** Docker trims trailing zeros of the nanoseconds; padded keys compare correctly as strings. */
function tsKey(ts: string): string {
  const [sec = '', frac = ''] = ts.replace('Z', '').split('.');
  return `${sec}.${frac.padEnd(9, '0')}`;
}

function keyToSince(key: string): string {
  const [sec = '', frac = ''] = key.split('.');
  return `${Math.floor(Date.parse(`${sec}Z`) / 1000)}.${frac}`;
}

class Follower {
  private abort = new AbortController();
  private lastTs: string | null = null;
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;

  constructor(
    readonly id: string,
    private readonly conn: EngineConnection,
    private readonly containerId: string,
    private readonly tty: boolean,
    private readonly tail: number,
    private readonly bus: EventBus,
  ) {}

  start(): void {
    // A restore (start) after a stop: resume.
    this.unsubscribe = this.bus.on('containers.changed', (c) => {
      if (c.engineId !== this.conn.spec.id) return;
      if (c.removals.includes(this.containerId)) return this.stop();
      const row = c.upserts.find((u) => u.id === this.containerId);
      if (row?.state === 'running' && !this.streaming) void this.run();
    });
    void this.run();
  }

  private streaming = false;

  private async run(): Promise<void> {
    if (this.stopped || this.streaming) return;
    this.streaming = true;
    this.abort = new AbortController();
    try {
      const res = await this.conn.engine.http.stream({
        method: 'GET',
        path: `/containers/${this.containerId}/logs`,
        query: {
          follow: true,
          stdout: true,
          stderr: true,
          timestamps: true,
          ...(this.lastTs ? { since: keyToSince(this.lastTs) } : { tail: this.tail }),
        },
        ok: [200],
        signal: this.abort.signal,
      });
      const text = new PassThrough();
      if (this.tty) res.pipe(text);
      else this.conn.engine.modem.demuxStream(res, text, text);
      res.on('end', () => text.end());
      res.on('error', () => text.end());
      let partial = '';
      for await (const chunk of text) {
        partial += (chunk as Buffer).toString('utf8');
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.accept(line);
      }
      if (partial) this.accept(partial);
    } catch {
      // Stream cut (engine restart, container gone): the next start resumes it.
    } finally {
      this.streaming = false;
      this.flush(true);
    }
  }

  private accept(line: string): void {
    const m = TS_PREFIX.exec(line);
    let text = line;
    if (m) {
      // Resuming with `since` repeats lines of the same instant; skip what was shown.
      const key = tsKey(m[1]!);
      if (this.lastTs && key <= this.lastTs) return;
      this.lastTs = key;
      text = line.slice(m[0].length);
    }
    this.pending.push(text.replace(/\r$/, ''));
    if (!this.flushTimer) this.flushTimer = setTimeout(() => this.flush(false), BATCH_MS);
  }

  private flush(paused: boolean): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.stopped) return;
    if (this.pending.length || paused) {
      this.bus.emit('logs.received', {
        subscriptionId: this.id,
        lines: this.pending.splice(0),
        ...(paused ? { paused: true } : {}),
      });
    }
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.unsubscribe?.();
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }
}

export class LogFollowers {
  private readonly followers = new Map<string, Follower>();

  constructor(
    private readonly registry: EngineRegistry,
    private readonly bus: EventBus,
  ) {}

  async follow(engineId: string, ref: string, tail: number): Promise<string> {
    const conn = await this.registry.online(engineId);
    const info = await conn.engine.inspect(ref);
    if (!info) throw new StudioError('not-found', `No container "${ref}" on ${conn.spec.name}.`);
    if (this.followers.size >= MAX_SUBSCRIPTIONS) {
      // The oldest follow is the one nobody is looking at any more.
      const oldest = this.followers.keys().next().value!;
      this.unfollow(oldest);
    }
    const id = crypto.randomBytes(8).toString('hex');
    const f = new Follower(id, conn, info.Id, Boolean(info.Config?.Tty), tail, this.bus);
    this.followers.set(id, f);
    f.start();
    return id;
  }

  unfollow(id: string): boolean {
    const f = this.followers.get(id);
    if (!f) return false;
    f.stop();
    this.followers.delete(id);
    return true;
  }

  stopAll(): void {
    for (const id of [...this.followers.keys()]) this.unfollow(id);
  }
}
