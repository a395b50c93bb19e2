// Browser mode's events: the app's event bus, sent to every signed-in page over one WebSocket each
// (/api/events). The upgrade is held to the same Host and Origin rules as a request; a browser cannot
// set headers on a WebSocket, so the page's first message says which session it is.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Services } from '../app/services';
import { hostAllowed, originAllowed, type Sessions } from './auth';
import { parseTarget } from './request-target';

const EVENTS_PATH = '/api/events';
/** How long a new event socket may take to say who it is. */
const HELLO_TIMEOUT_MS = 5000;

export interface EventStreamOptions {
  services: Services;
  sessions: Sessions;
  /** The server's port, known once it listens. */
  port: () => number;
  log: (line: string) => void;
}

function parseHello(text: string): { type?: unknown; session?: unknown } | null {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as { type?: unknown; session?: unknown }) : null;
  } catch {
    return null;
  }
}

/** Serves the event stream on the server's upgrades; the returned function ends it. */
export function attachEventStream(server: Server, opts: EventStreamOptions): () => Promise<void> {
  const { sessions, log } = opts;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Set<WebSocket>();
  const unsubscribe = opts.services.bus.subscribe((event, payload) => {
    const message = JSON.stringify({ type: 'event', event, payload });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(message);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: number, text: string, what = '?') => {
      log(`UPGRADE ${what} ${status}`);
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    try {
      socket.on('error', () => socket.destroy());
      const target = parseTarget(req.url);
      if (!target) return refuse(400, 'Bad Request');
      if (target.pathname !== EVENTS_PATH) return refuse(404, 'Not Found', target.pathname);
      if (!hostAllowed(req, opts.port())) return refuse(421, 'Misdirected Request', target.pathname);
      // Browsers always send Origin on a WebSocket; only this page's own may connect.
      const origin = req.headers.origin;
      if (origin !== undefined && !originAllowed(origin, opts.port()))
        return refuse(403, 'Forbidden', target.pathname);
      wss.handleUpgrade(req, socket, head, (ws) => {
        log(`UPGRADE ${target.pathname} 101`);
        ws.on('error', () => clients.delete(ws));
        ws.on('close', () => clients.delete(ws));
        const timer = setTimeout(() => ws.close(4401, 'not signed in'), HELLO_TIMEOUT_MS);
        ws.once('message', (data) => {
          clearTimeout(timer);
          const hello = parseHello(String(data));
          if (hello?.type !== 'hello' || !sessions.isSession(hello.session as string)) {
            ws.close(4401, 'not signed in');
            return;
          }
          clients.add(ws);
          ws.send(JSON.stringify({ type: 'ready' }));
          // From then on the page only listens; anything it sends is ignored.
          ws.on('message', () => undefined);
        });
      });
    } catch {
      socket.destroy();
    }
  });

  // Dead connections (a laptop lid closed) are found and dropped.
  const heartbeat = setInterval(() => {
    for (const ws of clients) ws.ping();
  }, 30000);
  heartbeat.unref();

  return () => {
    clearInterval(heartbeat);
    unsubscribe();
    for (const ws of wss.clients) ws.terminate();
    return new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}
