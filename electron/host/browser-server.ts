// Browser mode: the same renderer and the same contract as the Electron window, over HTTP (calls)
// and a WebSocket (events, event-stream.ts), on 127.0.0.1 only, behind sessions (see auth.ts).
// Whatever a request holds, the server answers it (400, 401, 413…) and goes on: every path runs
// inside one error boundary, and nothing from a request is trusted before it is parsed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { toErrorInfo, type ErrorInfo } from '../ipc/errors';
import type { Services } from '../app/services';
import { hostAllowed, originAllowed, Sessions } from './auth';
import { attachEventStream } from './event-stream';
import { isJsonContentType, jsonDepth, parseTarget, safeDecode } from './request-target';
import { securityHeaders } from './security-headers';
import { resolveStatic } from './static-files';

export const LOOPBACK = '127.0.0.1';
export const MAX_BODY = 256 * 1024;
/** Nesting deeper than this is no call of the contract, only an attempt to exhaust the stack. */
export const MAX_JSON_DEPTH = 64;
const CALL_PREFIX = '/api/call/';
const UPLOAD_PATH = '/api/upload';
/** An export made in browser mode: a ticket for it is asked with the session (POST)… */
const DOWNLOAD_PATH = '/api/download';
/** …and the browser fetches it once by that ticket, streaming it to disk as any download. */
const TICKET_PREFIX = '/download/';
const TICKET_MS = 60_000;
const SESSION_PATH = '/api/session';

export interface BrowserServerOptions {
  port?: number;
  /** The first link token (tests choose it); a random one otherwise. */
  token?: string;
  rendererDir: string;
  /** Request lines (method, path without query, status) for debugging; never a token. */
  log?: (line: string) => void;
}

export interface BrowserServer {
  /** The one-time link to open (its token is spent on first use). */
  url: string;
  /** The URL without the token, safe to show in logs. */
  origin: string;
  port: number;
  token: string;
  /** Another one-time link, for another tab or browser. */
  newLink(): string;
  close(): Promise<void>;
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  type: string,
  extra: Record<string, string> = {},
) {
  if (res.headersSent) return res.end();
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    ...securityHeaders(),
    ...extra,
  });
  res.end(body);
}

function sendError(
  res: ServerResponse,
  status: number,
  error: ErrorInfo,
  extra: Record<string, string> = {},
) {
  send(res, status, JSON.stringify({ ok: false, error }), 'application/json', extra);
}

const NOT_SIGNED_IN = (): ErrorInfo => ({
  code: 'unauthorized',
  message: 'This page is not signed in to Checkpoint Studio.',
  hint: 'Open the link "checkpoint-studio serve" printed (each link works once; press Enter in its terminal for another).',
});

const SPENT_PAGE = `<!doctype html><meta charset="utf-8"><title>Checkpoint Studio</title>
<p>This link was used already, has expired, or is not one this server made. Each link printed by
<code>checkpoint-studio serve</code> opens one tab, once: press Enter in its terminal for a new one,
or use "New tab" in a tab that is open.</p>`;

type Body = { ok: true; text: string } | { ok: false; status: 400 | 413; message: string };

function readBody(req: IncomingMessage, max: number): Promise<Body> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      req.resume();
      resolve({ ok: false, status: 413, message: `a request body is at most ${max} bytes` });
      return;
    }
    let size = 0;
    const chunks: Buffer[] = [];
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > max) {
        done = true;
        chunks.length = 0;
        resolve({ ok: false, status: 413, message: `a request body is at most ${max} bytes` });
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', () => {
      if (!done) resolve({ ok: false, status: 400, message: 'the request body did not arrive whole' });
      done = true;
    });
  });
}

async function readJson(req: IncomingMessage, res: ServerResponse): Promise<{ value: unknown } | null> {
  if (!isJsonContentType(req.headers['content-type'])) {
    sendError(res, 415, {
      code: 'invalid-argument',
      message: 'calls are JSON (Content-Type: application/json)',
    });
    return null;
  }
  const body = await readBody(req, MAX_BODY);
  if (!body.ok) {
    // After a 413 the rest of the body is not read: close the connection rather than drain it.
    sendError(res, body.status, { code: 'invalid-argument', message: body.message }, { Connection: 'close' });
    return null;
  }
  if (jsonDepth(body.text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    sendError(res, 400, {
      code: 'invalid-argument',
      message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
    return null;
  }
  try {
    return { value: body.text ? (JSON.parse(body.text) as unknown) : {} };
  } catch {
    sendError(res, 400, { code: 'invalid-argument', message: 'the request body is not valid JSON' });
    return null;
  }
}

export async function startBrowserServer(
  services: Services,
  opts: BrowserServerOptions,
): Promise<BrowserServer> {
  const sessions = new Sessions();
  /** Download tickets: which app-made file each opens, and until when. */
  const tickets = new Map<string, { fileId: string; until: number }>();
  const token = sessions.newLink(opts.token);
  const log = opts.log ?? (() => undefined);
  let port = 0;
  const indexHtml = () => fs.readFileSync(path.join(opts.rendererDir, 'index.html'), 'utf8');

  /** The app's page with a new session in it: what a link token is traded for. */
  function servePageWithSession(res: ServerResponse, session: string) {
    const html = indexHtml().replace(/<head>/i, `<head><meta name="cs-session" content="${session}">`);
    send(res, 200, html, 'text/html; charset=utf-8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = parseTarget(req.url);
    if (!target) {
      log(`${req.method ?? '?'} (malformed target) 400`);
      return send(res, 400, 'malformed request target', 'text/plain');
    }
    // A download ticket is a credential for one file: never written to the log.
    const logged = target.pathname.startsWith(TICKET_PREFIX) ? `${TICKET_PREFIX}…` : target.pathname;
    res.on('finish', () => log(`${req.method} ${logged} ${res.statusCode}`));
    if (!hostAllowed(req, port)) return send(res, 421, 'wrong Host header', 'text/plain');
    const origin = req.headers.origin;
    const foreign = origin !== undefined && !originAllowed(origin, port);
    const { pathname, query } = target;

    if (pathname.startsWith('/api/')) {
      if (foreign) return sendError(res, 403, { code: 'unauthorized', message: 'foreign origin' });
      if (req.method !== 'POST') return send(res, 405, 'POST only', 'text/plain', { Allow: 'POST' });
      if (pathname === SESSION_PATH) {
        // For scripts: a link token traded for a session, as opening the link does for a page.
        const body = await readJson(req, res);
        if (!body) return;
        const session = sessions.redeem((body.value as { token?: unknown })?.token as string);
        if (!session)
          return sendError(res, 401, {
            code: 'unauthorized',
            message: 'that link token is spent or unknown',
          });
        return send(res, 200, JSON.stringify({ ok: true, value: { session } }), 'application/json');
      }
      if (!sessions.fromRequest(req)) {
        req.resume();
        return sendError(res, 401, NOT_SIGNED_IN());
      }
      if (pathname === UPLOAD_PATH) {
        // A checkpoint archive, streamed to the app's data folder; the renderer gets an opaque id.
        try {
          const f = await services.files.upload(req, query.get('name') ?? 'upload');
          return send(
            res,
            200,
            JSON.stringify({ ok: true, value: { fileId: f.id, name: f.name } }),
            'application/json',
          );
        } catch (e) {
          return sendError(res, 400, toErrorInfo(e), { Connection: 'close' });
        }
      }
      if (pathname === DOWNLOAD_PATH) {
        req.resume();
        let f: ReturnType<typeof services.files.get>;
        try {
          f = services.files.get(query.get('id') ?? '');
        } catch (e) {
          return sendError(res, 404, toErrorInfo(e));
        }
        // Only what the app made to be taken away: never an upload or a file the user picked.
        if (!f.download) return sendError(res, 404, { code: 'not-found', message: 'no such download' });
        const ticket = crypto.randomBytes(32).toString('hex');
        tickets.set(ticket, { fileId: f.id, until: Date.now() + TICKET_MS });
        return send(
          res,
          200,
          JSON.stringify({ ok: true, value: { url: `${TICKET_PREFIX}${ticket}` } }),
          'application/json',
        );
      }
      if (pathname.startsWith(CALL_PREFIX)) {
        const name = safeDecode(pathname.slice(CALL_PREFIX.length));
        if (name === null)
          return sendError(res, 400, { code: 'invalid-argument', message: 'malformed call name' });
        const body = await readJson(req, res);
        if (!body) return;
        const envelope = await services.dispatcher.dispatch(name, body.value);
        return send(res, 200, JSON.stringify(envelope), 'application/json');
      }
      return sendError(res, 404, { code: 'not-found', message: 'no such endpoint' });
    }

    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'GET only', 'text/plain', { Allow: 'GET, HEAD' });
    if (pathname.startsWith(TICKET_PREFIX)) {
      // A ticket is spent by the first GET that shows it, and dies unused after a minute.
      const ticket = pathname.slice(TICKET_PREFIX.length);
      const t = req.method === 'GET' ? tickets.get(ticket) : undefined;
      if (t) tickets.delete(ticket);
      for (const [k, v] of tickets) if (v.until < Date.now()) tickets.delete(k);
      let f: ReturnType<typeof services.files.get> | null = null;
      try {
        f = t && t.until >= Date.now() ? services.files.get(t.fileId) : null;
      } catch {
        f = null;
      }
      if (!f?.download) return send(res, 404, 'no such download (a download link works once)', 'text/plain');
      const ascii = f.name.replace(/[^a-zA-Z0-9_.-]/g, '_');
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(f.size ?? fs.statSync(f.path).size),
        'Content-Disposition': `attachment; filename="${ascii}"`,
        'Cache-Control': 'no-store',
        ...securityHeaders(),
      });
      const id = f.id;
      // Downloaded once: the app's copy goes (the user has theirs).
      res.on('finish', () => services.files.release(id));
      fs.createReadStream(f.path)
        .on('error', () => res.destroy())
        .pipe(res);
      return;
    }
    // Only a GET opens a link: a HEAD (a link checker, a preview) must not spend it.
    if (query.has('token') && req.method === 'GET') {
      // Opening the printed link: its token is spent here, whoever presents it.
      const session = sessions.redeem(query.get('token'));
      if (!session) return send(res, 401, SPENT_PAGE, 'text/html; charset=utf-8');
      return servePageWithSession(res, session);
    }
    // The app's files hold nothing secret: they are served to anyone on this machine who asks.
    const file = resolveStatic(opts.rendererDir, pathname);
    if (!file) return send(res, 404, 'not found', 'text/plain');
    res.writeHead(200, {
      'Content-Type': file.type,
      'Cache-Control': file.path.endsWith('.html') ? 'no-store' : 'max-age=3600',
      ...securityHeaders(),
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file.path)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`${req.method} error: ${(e as Error)?.message ?? String(e)}`);
      sendError(res, 500, { code: 'internal', message: 'the request could not be handled' });
    });
  });
  // Requests Node itself cannot parse: answered and closed, never thrown.
  server.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  const stopEvents = attachEventStream(server, { services, sessions, port: () => port, log });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, LOOPBACK, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${LOOPBACK}:${port}`;
  const linkFor = (t: string) => `${origin}/?token=${t}`;
  return {
    url: linkFor(token),
    origin,
    port,
    token,
    newLink: () => linkFor(sessions.newLink()),
    close: async () => {
      await new Promise<void>((resolve) => {
        void stopEvents().then(() => server.close(() => resolve()));
        server.closeAllConnections();
      });
    },
  };
}
