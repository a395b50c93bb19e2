// Browser mode: the same renderer and the same contract as the Electron window, over HTTP (calls)
// and a WebSocket (events), on 127.0.0.1 only, behind a random token.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { StudioError, toErrorInfo } from '../ipc/errors';
import type { Services } from '../app/services';
import { hostAllowed, isAuthorized, newToken, originAllowed, sessionCookie, tokenMatches } from './auth';
import { securityHeaders } from './security-headers';
import { resolveStatic } from './static-files';
import fs from 'node:fs';

export const LOOPBACK = '127.0.0.1';
const MAX_BODY = 256 * 1024;
const CALL_PREFIX = '/api/call/';
const UPLOAD_PATH = '/api/upload';
const EVENTS_PATH = '/api/events';

export interface BrowserServerOptions {
  port?: number;
  token?: string;
  rendererDir: string;
  /** Request lines (method, path without query, status) for debugging; never the token. */
  log?: (line: string) => void;
}

export interface BrowserServer {
  url: string;
  /** The URL without the token, safe to show in logs. */
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  type: string,
  extra: Record<string, string> = {},
) {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    ...securityHeaders(),
    ...extra,
  });
  res.end(body);
}

const UNAUTHORIZED_PAGE = `<!doctype html><meta charset="utf-8"><title>Checkpoint Studio</title>
<p>This address needs the token printed by <code>checkpoint-studio serve</code> (or <code>npm start</code>).
Open the full URL it printed, including <code>?token=…</code>.</p>`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new StudioError('invalid-argument', `request body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startBrowserServer(
  services: Services,
  opts: BrowserServerOptions,
): Promise<BrowserServer> {
  const token = opts.token ?? newToken();
  const log = opts.log ?? (() => undefined);
  let port = 0;

  async function handleCall(req: IncomingMessage, res: ServerResponse, name: string) {
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, port)) {
      return send(
        res,
        403,
        JSON.stringify({ ok: false, error: { code: 'unauthorized', message: 'foreign origin' } }),
        'application/json',
      );
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return send(
        res,
        415,
        JSON.stringify({
          ok: false,
          error: { code: 'invalid-argument', message: 'calls are JSON (Content-Type: application/json)' },
        }),
        'application/json',
      );
    }
    let args: unknown;
    try {
      const body = await readBody(req);
      args = body ? JSON.parse(body) : {};
    } catch (e) {
      const message = e instanceof StudioError ? e.message : 'the request body is not valid JSON';
      return send(
        res,
        400,
        JSON.stringify({ ok: false, error: { code: 'invalid-argument', message } }),
        'application/json',
      );
    }
    const envelope = await services.dispatcher.dispatch(name, args);
    send(res, 200, JSON.stringify(envelope), 'application/json');
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    res.on('finish', () => log(`${req.method} ${url.pathname} ${res.statusCode}`));
    if (!hostAllowed(req, port)) return send(res, 421, 'wrong Host header', 'text/plain');

    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && req.method === 'GET') {
      if (!tokenMatches(token, queryToken))
        return send(res, 401, UNAUTHORIZED_PAGE, 'text/html; charset=utf-8');
      // Swap the token in the address bar for a cookie, so it leaves history and Referer alone.
      url.searchParams.delete('token');
      return send(res, 303, '', 'text/plain', {
        'Set-Cookie': sessionCookie(token),
        Location: url.pathname + (url.search || ''),
      });
    }
    if (!isAuthorized(req, token)) return send(res, 401, UNAUTHORIZED_PAGE, 'text/html; charset=utf-8');

    if (url.pathname === UPLOAD_PATH) {
      if (req.method !== 'POST') return send(res, 405, 'POST only', 'text/plain', { Allow: 'POST' });
      if (req.headers.origin !== undefined && !originAllowed(req.headers.origin, port)) {
        return send(
          res,
          403,
          JSON.stringify({ ok: false, error: { code: 'unauthorized', message: 'foreign origin' } }),
          'application/json',
        );
      }
      // A checkpoint archive, streamed to the app's data folder; the renderer gets an opaque id.
      services.files
        .upload(req, url.searchParams.get('name') ?? 'upload')
        .then((f) =>
          send(
            res,
            200,
            JSON.stringify({ ok: true, value: { fileId: f.id, name: f.name } }),
            'application/json',
          ),
        )
        .catch((e: unknown) =>
          send(res, 400, JSON.stringify({ ok: false, error: toErrorInfo(e) }), 'application/json'),
        );
      return;
    }
    if (url.pathname.startsWith(CALL_PREFIX)) {
      if (req.method !== 'POST') return send(res, 405, 'POST only', 'text/plain', { Allow: 'POST' });
      void handleCall(req, res, decodeURIComponent(url.pathname.slice(CALL_PREFIX.length))).catch((e) =>
        send(
          res,
          500,
          JSON.stringify({ ok: false, error: { code: 'internal', message: String(e) } }),
          'application/json',
        ),
      );
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'GET only', 'text/plain', { Allow: 'GET' });
    const file = resolveStatic(opts.rendererDir, url.pathname);
    if (!file) return send(res, 404, 'not found', 'text/plain');
    res.writeHead(200, {
      'Content-Type': file.type,
      'Cache-Control': file.path.endsWith('.html') ? 'no-store' : 'max-age=3600',
      ...securityHeaders(),
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file.path).pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Set<WebSocket>();
  const unsubscribe = services.bus.subscribe((event, payload) => {
    const message = JSON.stringify({ type: 'event', event, payload });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(message);
  });

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const origin = req.headers.origin;
    const refuse = (status: number, text: string) => {
      log(`UPGRADE ${url.pathname} ${status}`);
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== EVENTS_PATH) return refuse(404, 'Not Found');
    if (!hostAllowed(req, port)) return refuse(421, 'Misdirected Request');
    // Browsers always send Origin on a WebSocket; only this page's own may connect.
    if (origin !== undefined && !originAllowed(origin, port)) return refuse(403, 'Forbidden');
    if (!isAuthorized(req, token)) return refuse(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      log(`UPGRADE ${url.pathname} 101`);
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => clients.delete(ws));
      // The page only listens; anything it sends is ignored.
      ws.on('message', () => undefined);
    });
  });

  // Dead connections (a laptop lid closed) are found and dropped.
  const heartbeat = setInterval(() => {
    for (const ws of clients) ws.ping();
  }, 30000);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      clearInterval(heartbeat);
      unsubscribe();
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => {
        wss.close(() => server.close(() => resolve()));
        server.closeAllConnections();
      });
    },
  };
}
