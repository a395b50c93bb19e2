// Every call of browser mode, fed hostile arguments: each is answered with a clear error, and not
// one request reaches the engine (counted by a relay in front of it).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { callNames } from '../ipc/contract-names';
import { fieldLabel } from '../ipc/dispatcher';
import { signIn, SocketRelay, testbed } from '../../testbed/support';
import { startBrowserServer, type BrowserServer } from './browser-server';

const tb = testbed();
const relay = new SocketRelay(tb.dockerHost);
let services: Services;
let server: BrowserServer;
let session: string;
let dir: string;

beforeAll(async () => {
  await relay.up();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-hostile-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html>');
  services = new Services({
    engines: [{ id: 'tb', name: 'tb', host: relay.host }],
    dataDir: dir,
    host: 'browser',
  });
  await services.registry.get('tb').whenOnline(10_000);
  server = await startBrowserServer(services, { rendererDir: dir });
  session = await signIn(server.url);
});

afterAll(async () => {
  await server.close();
  services.dispose();
  await relay.down();
  fs.rmSync(dir, { recursive: true, force: true });
});

function call(
  name: string,
  body: string,
): Promise<{ status: number; json: { ok: boolean; error?: { code: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: `/api/call/${encodeURIComponent(name)}`,
        method: 'POST',
        headers: {
          host: `127.0.0.1:${server.port}`,
          'content-type': 'application/json',
          'x-studio-session': session,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A valid argument object for each call that names something on an engine. */
const BASE: Record<string, Record<string, unknown>> = {
  'containers.list': { engineId: 'tb' },
  'doctor.run': { engineId: 'tb' },
  'engines.measure': { engineId: 'tb' },
  'engines.test': { host: 'unix:///run/docker.sock' },
  'engines.add': { name: 'x', host: 'unix:///run/docker.sock' },
  'engines.rename': { engineId: 'tb', name: 'x' },
  'engines.remove': { engineId: 'tb' },
  'checkpoints.list': { engineId: 'tb', container: 'c1' },
  'checkpoints.create': { engineId: 'tb', container: 'c1', name: 'cp1' },
  'checkpoints.restore': { engineId: 'tb', container: 'c1', checkpoint: 'cp1' },
  'checkpoints.delete': { engineId: 'tb', container: 'c1', checkpoint: 'cp1' },
  'checkpoints.note': { engineId: 'tb', container: 'c1', checkpoint: 'cp1', note: 'n' },
  'migrations.check': { engineId: 'tb', container: 'c1', to: 'other' },
  'migrations.run': { engineId: 'tb', container: 'c1', to: 'other' },
  'clones.plan': { engineId: 'tb', container: 'c1', checkpoint: 'cp1', count: 2, prefix: 'p' },
  'clones.run': { engineId: 'tb', container: 'c1', checkpoint: 'cp1', count: 2, prefix: 'p' },
  'logs.follow': { engineId: 'tb', container: 'c1', tail: 10 },
  'logs.unfollow': { subscriptionId: '0123456789abcdef' },
  'inspections.open': { source: { kind: 'engine', engineId: 'tb', container: 'c1', checkpoint: 'cp1' } },
  'inspections.searchMemory': {
    source: { kind: 'engine', engineId: 'tb', container: 'c1', checkpoint: 'cp1' },
    pattern: 'x',
  },
  'schedules.set': { engineId: 'tb', container: 'c1', everyMs: 60_000 },
  'schedules.pause': { engineId: 'tb', container: 'c1', paused: true },
  'schedules.remove': { engineId: 'tb', container: 'c1' },
  'schedules.listRuns': { engineId: 'tb', container: 'c1' },
};
const NAMES = ['engineId', 'container', 'checkpoint', 'name', 'prefix', 'subscriptionId', 'to', 'host'];
const NUMBERS = ['count', 'tail', 'everyMs', 'pid', 'limit'];
const HOSTILE_NAMES: unknown[] = [
  '../../etc/passwd',
  '/etc/shadow',
  'a\u0000b',
  '$(reboot)',
  '`id`',
  'a;rm -rf /',
  'x'.repeat(100_000),
  '',
  '..',
  'a b',
  42,
  null,
  [],
  {},
];
const HOSTILE_NUMBERS: unknown[] = [-1, 1e12, 2.5, '3', null, Number.NaN, {}];

describe('hostile input through browser mode', () => {
  it('every call, every name and number field: clear errors, no engine request', async () => {
    const before = relay.requests.length;
    let answered = 0;
    for (const [name, base] of Object.entries(BASE)) {
      expect(callNames).toContain(name);
      for (const field of Object.keys(base)) {
        const values = NAMES.includes(field)
          ? HOSTILE_NAMES
          : NUMBERS.includes(field)
            ? HOSTILE_NUMBERS
            : null;
        if (!values) continue;
        for (const value of values) {
          // engines.rename/add take any display name; only their ids and addresses are strict.
          if (
            field === 'name' &&
            name.startsWith('engines.') &&
            typeof value === 'string' &&
            value.length > 0 &&
            value.length <= 64
          )
            continue;
          const res = await call(name, JSON.stringify({ ...base, [field]: value }));
          expect(res.status).toBe(200);
          if (res.json.ok)
            throw new Error(`accepted: ${name} ${field}=${JSON.stringify(value)?.slice(0, 40)}`);
          expect(res.json.error?.code).toBe('invalid-argument');
          // The message names the field in the user's words (or says the request is too large),
          // never the call's internal name.
          const label = fieldLabel(field).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          expect(res.json.error?.message).toMatch(new RegExp(`${label}|too large`));
          expect(res.json.error?.message).not.toContain(name);
          answered++;
        }
      }
      // Missing fields and extra ones are refused too.
      // (doctor.run's engine is optional: without one it checks the first engine, legitimately.)
      if (name !== 'doctor.run') expect((await call(name, '{}')).json.ok).toBe(false);
      expect((await call(name, JSON.stringify({ ...base, extra: 1 }))).json.ok).toBe(false);
    }
    for (const body of ['[]', '"x"', '42', 'null'])
      expect((await call('containers.list', body)).json.ok).toBe(false);
    expect(answered).toBeGreaterThan(300);
    // Not one request of a handler reached the engine. The connection's own background work may
    // (liveness pings, refreshes of rows other tests' containers changed): all of it reads.
    const during = relay.requests.slice(before);
    expect(
      during.filter(
        (r) =>
          !/^GET \/(_ping|events|info|version|containers\/[0-9a-f]{64}\/json|containers\/json)(\?|$)/.test(r),
      ),
    ).toEqual([]);
  });

  it('an unknown call name is refused, and so is one disguised as a path', async () => {
    for (const name of [
      'containers.nuke',
      '../api/call/engines.list',
      'engines.list/../../x',
      '__proto__',
      'constructor',
    ]) {
      const res = await call(name, '{}');
      expect(res.json.ok).toBe(false);
    }
  });
});
