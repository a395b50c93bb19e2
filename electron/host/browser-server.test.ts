import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Services } from '../app/services';
import { startBrowserServer, type BrowserServer } from './browser-server';

// An engine address that answers nothing: these tests are about the gate, not the engine.
const services = new Services({
  engines: [{ id: 'none', name: 'None', host: 'unix:///nonexistent/docker.sock' }],
  dataDir: os.tmpdir(),
  host: 'browser',
});
let server: BrowserServer;
let dir: string;
const logged: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-renderer-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>t</title>');
  server = await startBrowserServer(services, { rendererDir: dir, log: (l) => logged.push(l) });
});
afterAll(async () => {
  await server.close();
  services.dispose();
});

function request(opts: { path: string; method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
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
    },
  );
}

const call = (headers: Record<string, string>, body = '{}') =>
  request({
    path: '/api/call/engines.list',
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

describe('browser mode gate', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.url).toContain('?token=');
  });

  it('refuses requests without the token, and with a wrong one', async () => {
    expect((await request({ path: '/' })).status).toBe(401);
    expect((await call({})).status).toBe(401);
    expect((await call({ authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await request({ path: '/?token=wrong' })).status).toBe(401);
    expect((await call({ cookie: 'cs_session=wrong' })).status).toBe(401);
  });

  it('swaps the URL token for an HttpOnly SameSite cookie', async () => {
    const res = await request({ path: `/?token=${server.token}` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = res.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await request({ path: '/', headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('answers calls with the token, through the contract', async () => {
    const res = await call({ authorization: `Bearer ${server.token}` });
    expect(res.status).toBe(200);
    const env = JSON.parse(res.body);
    expect(env.ok).toBe(true);
    expect(env.value[0]).toMatchObject({ id: 'none' });
  });

  it('validates arguments before anything runs', async () => {
    const res = await request({
      path: '/api/call/containers.list',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ engineId: '../../etc' }),
    });
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const bad = await request({
      path: '/api/call/engines.list',
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
  });

  it('refuses a foreign Origin and a foreign Host even with the token', async () => {
    expect(
      (await call({ authorization: `Bearer ${server.token}`, origin: 'http://evil.example' })).status,
    ).toBe(403);
    expect((await call({ authorization: `Bearer ${server.token}`, host: 'evil.example' })).status).toBe(421);
  });

  const ws = (headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const sock = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers });
      sock.on('open', () => {
        sock.close();
        resolve(101);
      });
      sock.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      sock.on('error', () => undefined);
    });

  it('opens the event socket only for its own origin with the token', async () => {
    const origin = `http://127.0.0.1:${server.port}`;
    expect(await ws({ origin, cookie: `cs_session=${server.token}` })).toBe(101);
    expect(await ws({ origin })).toBe(401);
    expect(await ws({ origin: 'http://evil.example', cookie: `cs_session=${server.token}` })).toBe(403);
  });

  it('never writes the token to its log', () => {
    expect(logged.length).toBeGreaterThan(5);
    expect(logged.join('\n')).not.toContain(server.token);
  });
});
