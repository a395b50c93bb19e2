// The app killed in the middle of writing its catalog (SIGKILL, as a crash or a power cut would):
// on the next start the database opens, holds every committed write, and the engine's
// checkpoints are all found again.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { testbedFixture, uniqueName } from '../../testbed/support';
import { CheckpointCatalog } from './checkpoint-catalog';

const { tb, containers } = testbedFixture();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-crash-'));
afterAll(async () => {
  await containers.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

const WRITER = `
const { CheckpointCatalog } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/main/catalog/checkpoint-catalog.js'))});
const cat = new CheckpointCatalog(process.argv[1]);
let i = 0;
for (;;) {
  if (i === 20) process.stdout.write('writing\\n');
  cat.add({ engineId: 'e', containerId: 'c', containerName: 'c', image: 'i', name: 'cp-' + i, createdAt: Date.now(), mode: 'stopped', origin: 'manual', note: 'x'.repeat(2000) });
  cat.logOperation({ kind: 'checkpoint', engineId: 'e', startedAt: 0, finishedAt: 1, ok: true, detail: { i } });
  i++;
}
`;

describe('the catalog survives a crash', () => {
  it("opens after SIGKILL mid-write, with every committed row, and finds the engine's checkpoints", async () => {
    if (!fs.existsSync(path.resolve(__dirname, '../../dist/main/catalog/checkpoint-catalog.js')))
      throw new Error('build first: npm test builds');
    const file = path.join(dir, 'catalog.db');
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ['-e', WRITER, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      // Killed while it writes: once it has committed some rows, at a different moment each round.
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 150 + round * 50));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const cat = new CheckpointCatalog(file);
      expect(cat.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const rows = cat.list('e', 'c');
      // Rows are whole: every one that is there is complete.
      expect(rows.every((r) => r.note.length === 2000)).toBe(true);
      expect(rows.length).toBeGreaterThan(0);
      cat.close();
    }

    // And the engine's truth comes back whatever the catalog lost: checkpoints made while the app
    // was down are found on the next listing.
    const c = await containers.run({
      name: uniqueName('crash'),
      image: tb.busyboxImage,
      // A counter, not an idle sleep: two checkpoints of an idle process can be the same bytes,
      // and containerd 1.6 refuses a second identical blob.
      cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done'],
    });
    for (const n of ['while-down-1', 'while-down-2']) {
      await new Promise<void>((resolve, reject) =>
        execFile(
          tb.dockerCli,
          ['checkpoint', 'create', '--leave-running', c.id, n],
          { env: { ...process.env, DOCKER_HOST: tb.dockerHost } },
          (e) => (e ? reject(e) : resolve()),
        ),
      );
    }
    const s = new Services({
      engines: [{ id: 'tb', name: 'tb', host: tb.dockerHost }],
      dataDir: dir,
      host: 'headless',
    });
    try {
      await s.registry.get('tb').whenOnline(10_000);
      const found = await s.checkpoints.list('tb', c.id);
      expect(found.map((r) => r.name).sort()).toEqual(['while-down-1', 'while-down-2']);
      await s.checkpoints.idle();
    } finally {
      s.dispose();
    }
  });
});
