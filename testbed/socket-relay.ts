// An engine that goes away and comes back, on request, without touching the engine.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';

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
