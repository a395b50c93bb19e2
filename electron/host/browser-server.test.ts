import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Services } from '../app/services';
import { MAX_BODY, startBrowserServer, type BrowserServer } from './browser-server';

// An engine address that answers nothing: these tests are about the gate, not the engine.
const services = new Services({
  engines: [{ id: 'none', name: 'None', host: 'unix:///nonexistent/docker.sock' }],
  dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cs-gate-')),
  host: 'browser',
});
let server: BrowserServer;
let dir: string;
let session: string;
const logged: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-renderer-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><head><title>t</title></head></html>');
  server = await startBrowserServer(services, { rendererDir: dir, log: (l) => logged.push(l) });
  session = (await trade(server.newLink()))!;
});
afterAll(async () => {
  await server.close();
  services.dispose();
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(opts: {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: opts.path,
        method: opts.method ?? 'GET',
        headers: { host: `127.0.0.1:${server.port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function trade(link: string): Promise<string | null> {
  const token = new URL(link).searchParams.get('token');
  const res = await request({
    path: '/api/session',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return res.status === 200 ? (JSON.parse(res.body) as { value: { session: string } }).value.session : null;
}

const call = (headers: Record<string, string>, body = '{}', name = 'engines.list') =>
  request({
    path: `/api/call/${name}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
const signedIn = () => ({ 'x-studio-session': session });

/** Sends raw bytes and reads what comes back until the server closes or a moment passes. */
function raw(bytes: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(server.port, '127.0.0.1');
    let out = '';
    const done = () => {
      sock.destroy();
      resolve(out);
    };
    sock.setTimeout(500, done);
    sock.on('data', (d) => (out += d.toString('latin1')));
    sock.on('end', done);
    sock.on('error', done);
    sock.on('connect', () => sock.write(bytes));
  });
}

describe('browser mode gate', () => {
  it('listens on 127.0.0.1 only, and prints a link', () => {
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.url).toContain('?token=');
  });

  it('answers nothing of the API without a session; a cookie is no credential', async () => {
    expect((await call({})).status).toBe(401);
    expect((await call({ 'x-studio-session': 'wrong' })).status).toBe(401);
    expect((await call({ authorization: `Bearer ${server.token}` })).status).toBe(401);
    expect((await call({ cookie: `cs_session=${server.token}` })).status).toBe(401);
    expect((await call({ cookie: `cs_session=${session}` })).status).toBe(401);
    expect((await request({ path: '/?token=wrong' })).status).toBe(401);
  });

  it('the link hands the page a session once, in the page, never as a cookie', async () => {
    const link = new URL(server.newLink());
    const page = await request({ path: link.pathname + link.search });
    expect(page.status).toBe(200);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const given = /<meta name="cs-session" content="([A-Za-z0-9_-]+)">/.exec(page.body)?.[1];
    expect(given).toBeDefined();
    expect((await call({ 'x-studio-session': given! })).status).toBe(200);
    // Spent: the same link again, or its token as any kind of credential, opens nothing.
    expect((await request({ path: link.pathname + link.search })).status).toBe(401);
    expect(await trade(link.href)).toBeNull();
    // The app's files themselves are public (no session in them).
    const shell = await request({ path: '/' });
    expect(shell.status).toBe(200);
    expect(shell.body).not.toContain('cs-session');
  });

  it('answers calls with a session, through the contract', async () => {
    const res = await call(signedIn());
    expect(res.status).toBe(200);
    const env = JSON.parse(res.body);
    expect(env.ok).toBe(true);
    expect(env.value[0]).toMatchObject({ id: 'none' });
  });

  it('validates before anything runs: arguments, JSON, its type, its size and its depth', async () => {
    const bad = await call(signedIn(), JSON.stringify({ engineId: '../../etc' }), 'containers.list');
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect((await call(signedIn(), '{not json')).status).toBe(400);
    expect((await call({ ...signedIn(), 'content-type': 'application/jsonfoo' })).status).toBe(415);
    expect((await call({ ...signedIn(), 'content-type': 'text/plain' })).status).toBe(415);
    expect((await call({ ...signedIn(), 'content-type': 'application/json; charset=utf-8' })).status).toBe(
      200,
    );
    const big = await call(signedIn(), JSON.stringify({ x: 'a'.repeat(MAX_BODY) }));
    expect(big.status).toBe(413);
    const deep = await call(signedIn(), '['.repeat(100_000) + ']'.repeat(100_000));
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.body).error.message).toMatch(/nested deeper than 64/);
    expect((await call(signedIn(), '{}', '%E0%A4%A')).status).toBe(400);
  });

  it('refuses a foreign Origin and a foreign Host even with a session', async () => {
    expect((await call({ ...signedIn(), origin: 'http://evil.example' })).status).toBe(403);
    expect((await call({ ...signedIn(), origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await call({ ...signedIn(), host: 'evil.example' })).status).toBe(421);
  });

  it('never redirects anywhere, so no path can make it an open redirect', async () => {
    const link = new URL(server.newLink());
    for (const p of [
      `/.//evil.example/x${link.search}`,
      `//evil.example/x${link.search}`,
      '/./evil.example',
    ]) {
      const res = await request({ path: p });
      expect(res.status).not.toBe(301);
      expect(res.status).not.toBe(302);
      expect(res.status).not.toBe(303);
      expect(res.headers.location).toBeUndefined();
    }
  });

  function events(headers: Record<string, string>, hello?: unknown) {
    return new Promise<{ status: number; first?: string; closeCode?: number }>((resolve) => {
      const sock = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers });
      sock.on('open', () => {
        if (hello !== undefined) sock.send(JSON.stringify(hello));
      });
      sock.on('message', (m) => {
        resolve({ status: 101, first: String(m) });
        sock.close();
      });
      sock.on('close', (code) => resolve({ status: 101, closeCode: code }));
      sock.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
      sock.on('error', () => undefined);
    });
  }

  it('the event socket serves a page that says hello with its session, and closes on anyone else', async () => {
    const origin = `http://127.0.0.1:${server.port}`;
    expect(await events({ origin }, { type: 'hello', session })).toMatchObject({ first: '{"type":"ready"}' });
    expect(await events({ origin }, { type: 'hello', session: server.token })).toMatchObject({
      closeCode: 4401,
    });
    expect(await events({ origin, cookie: `cs_session=${session}` }, 'nonsense')).toMatchObject({
      closeCode: 4401,
    });
    expect((await events({ origin: 'http://evil.example' }, { type: 'hello', session })).status).toBe(403);
  });

  it('keeps running whatever a request holds, and answers the next caller', async () => {
    const port = server.port;
    const host = `Host: 127.0.0.1:${port}\r\n`;
    const corpus: (string | Buffer)[] = [
      `GET // HTTP/1.1\r\n${host}\r\n`,
      `GET // HTTP/1.1\r\n${host}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      `GET //evil.example/api/events HTTP/1.1\r\n${host}Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n`,
      `POST /api/call/%E0%A4%A HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`,
      `GET http://evil.example/ HTTP/1.1\r\n${host}\r\n`,
      `GET * HTTP/1.1\r\n${host}\r\n`,
      `OPTIONS * HTTP/1.1\r\n${host}\r\n`,
      `CONNECT 127.0.0.1:22 HTTP/1.1\r\n${host}\r\n`,
      `GET /%00 HTTP/1.1\r\n${host}\r\n`,
      `GET /%E0%A4%A HTTP/1.1\r\n${host}\r\n`,
      `GET /..%2f..%2fetc%2fpasswd HTTP/1.1\r\n${host}\r\n`,
      `GET /?token=%E0%A4%A HTTP/1.1\r\n${host}\r\n`,
      `GET /${'a'.repeat(20_000)} HTTP/1.1\r\n${host}\r\n`,
      `GET / HTTP/1.1\r\n${host}X-Big: ${'b'.repeat(100_000)}\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nHost: evil.example\r\n\r\n`,
      `GET / HTTP/1.1\r\n${host}no colon here\r\n\r\n`,
      `POST /api/call/engines.list HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n`,
      `POST /api/call/engines.list HTTP/1.1\r\n${host}Content-Length: 10\r\nContent-Length: 20\r\n\r\n`,
      `POST /api/call/engines.list HTTP/1.1\r\n${host}Content-Length: -1\r\n\r\n`,
      `GET /\r\n\r\n`,
      `\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03`,
      Buffer.from([
        0x47, 0x45, 0x54, 0x20, 0x2f, 0xff, 0xfe, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x0d,
        0x0a, 0x0d, 0x0a,
      ]),
      `GET /api/events HTTP/1.1\r\n${host}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 99\r\n\r\n`,
      `POST /api/upload HTTP/1.1\r\n${host}Content-Length: 5\r\n\r\nhello`,
      `POST /api/session HTTP/1.1\r\n${host}Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{"token":[1]}`,
    ];
    for (const bytes of corpus) {
      const answer = await raw(bytes);
      // Whatever came back, it is never the app's data to someone without a session.
      expect(answer).not.toMatch(/"ok":true/);
    }
    const res = await call(signedIn());
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).ok).toBe(true);
  }, 60_000);

  const tickets: string[] = [];

  it('hands an export over once: a ticket asked with the session, the file fetched once by it', async () => {
    const p = services.files.reserve('web-cp1.tar.zst');
    fs.writeFileSync(p, 'archive bytes');
    const f = services.files.adopt(p, 'web-cp1.tar.zst');
    const ask = (id: string, headers: Record<string, string> = signedIn()) =>
      request({ path: `/api/download?id=${id}`, method: 'POST', headers });
    expect((await ask(f.id, {})).status).toBe(401);
    expect((await ask('0'.repeat(24))).status).toBe(404);
    // A file the user picked is theirs: never served back.
    const picked = services.files.register(path.join(dir, 'index.html'));
    expect((await ask(picked.id)).status).toBe(404);
    const r = await ask(f.id);
    expect(r.status).toBe(200);
    const url = (JSON.parse(r.body) as { value: { url: string } }).value.url;
    expect(url).toMatch(/^\/download\/[0-9a-f]{64}$/);
    tickets.push(url.slice('/download/'.length));
    // A HEAD (a link checker) does not spend it; the first GET does.
    expect((await request({ path: url, method: 'HEAD' })).status).toBe(404);
    const got = await request({ path: url });
    expect(got.status).toBe(200);
    expect(got.body).toBe('archive bytes');
    expect(got.headers['content-disposition']).toBe('attachment; filename="web-cp1.tar.zst"');
    expect((await request({ path: url })).status).toBe(404);
    // Downloaded: the app's copy is gone.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fs.existsSync(p)).toBe(false);
    expect(() => services.files.get(f.id)).toThrow(/no longer open/);
  });

  it('never writes a link token, a session or a download ticket to its log', () => {
    expect(logged.length).toBeGreaterThan(5);
    const all = logged.join('\n');
    expect(all).not.toContain(server.token);
    expect(all).not.toContain(session);
    expect(tickets.length).toBe(1);
    for (const t of tickets) expect(all).not.toContain(t);
  });
});
