// The container list when the engine cannot answer for one container. A real engine does this only
// when a restore hangs inside runc (seen once on Docker 20.10), which cannot be made on demand, so
// a small HTTP server on a unix socket stands in for the engine here.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerEngine } from './docker-engine';

const LIST = [
  {
    Id: 'a'.repeat(64),
    Names: ['/fine'],
    Image: 'busybox',
    Command: 'sleep 1d',
    State: 'running',
    Status: 'Up 2 minutes',
    Created: 1_700_000_000,
    Ports: [],
    Labels: {},
  },
  {
    Id: 'b'.repeat(64),
    Names: ['/stuck-clone-1'],
    Image: 'redis',
    Command: 'redis-server',
    State: 'created',
    Status: 'Created',
    Created: 1_700_000_100,
    Ports: [
      { PrivatePort: 6379, PublicPort: 32768, Type: 'tcp', IP: '0.0.0.0' },
      { PrivatePort: 6379, PublicPort: 32768, Type: 'tcp', IP: '::' },
    ],
    Labels: {
      'dev.checkpointstudio.clone-of': 'c'.repeat(64),
      'dev.checkpointstudio.clone-checkpoint': 'warm',
    },
  },
];

const INSPECT_FINE = {
  Id: 'a'.repeat(64),
  Name: '/fine',
  Image: 'sha256:1',
  Created: '2023-11-14T22:13:20Z',
  Config: { Image: 'busybox', Cmd: ['sleep', '1d'], Labels: {} },
  State: { Status: 'running', StartedAt: '2023-11-14T22:13:21Z' },
  HostConfig: {},
  NetworkSettings: { Ports: {} },
};

let dir: string;
let server: http.Server;
const held: http.ServerResponse[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-fake-engine-'));
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.endsWith('/containers/json')) return void res.end(JSON.stringify(LIST));
    if (url.pathname.includes(`/containers/${'a'.repeat(64)}/json`))
      return void res.end(JSON.stringify(INSPECT_FINE));
    held.push(res); // the stuck container: no answer at all
  });
  await new Promise<void>((r) => server.listen(path.join(dir, 'docker.sock'), r));
});

afterAll(async () => {
  for (const r of held) r.destroy();
  await new Promise((r) => server.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('DockerEngine.listContainers', () => {
  it('shows a container the engine does not answer for from the list, said stuck, and lists the rest', async () => {
    const engine = new DockerEngine({
      id: 'fake',
      name: 'fake',
      host: `unix://${path.join(dir, 'docker.sock')}`,
    });
    const rows = await engine.listContainers();
    expect(rows.map((r) => r.name).sort()).toEqual(['fine', 'stuck-clone-1']);
    const fine = rows.find((r) => r.name === 'fine')!;
    expect(fine).toMatchObject({ state: 'running', status: 'Up', image: 'busybox' });
    expect(fine.startedAt).toBe(Date.parse('2023-11-14T22:13:21Z'));
    const stuck = rows.find((r) => r.name === 'stuck-clone-1')!;
    expect(stuck).toMatchObject({
      id: 'b'.repeat(64),
      state: 'created',
      image: 'redis',
      createdAt: 1_700_000_100_000,
      startedAt: null,
      cloneOf: { sourceId: 'c'.repeat(64), checkpoint: 'warm' },
      ports: [{ privatePort: 6379, publicPort: 32768, type: 'tcp', ip: '0.0.0.0' }],
    });
    expect(stuck.status).toMatch(/^Created — the engine does not answer for it$/);
  }, 30_000);
});
