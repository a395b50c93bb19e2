// npm run soak: 5,000 containers on the private engine — most created and never started (each
// running one costs a runtime shim, and 5,000 of those do not fit a small machine), a few hundred
// running — the list live in Chromium. The first render, a scroll to the end, the time from an
// engine event to the row changing, the rows actually in the page and the renderer's memory are
// reported (artifacts/soak), never asserted as timings. Then 20 clones at once while the list is
// live: each succeeds or is reported.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Containers, dockerFor, eventually, execIn, testbed, uniqueName } from '../testbed/support';
import { launchBrowser, openApp, screenshot, startApp, type RunningApp } from '../e2e/harness';
import { unwrap } from '../electron/ipc/dispatcher';
import { Services } from '../electron/app/services';
import { mapLimit } from '../electron/checkpoints/backends/docker-backend';

const COUNT = Number(process.env.SOAK_CONTAINERS ?? 5000);
/** Every 17th runs: ~300 of 5,000. */
const RUNS = (i: number) => i % 17 === 0;
const tb = testbed();
const docker = dockerFor(tb.dockerHost);
const containers = new Containers(docker);
const figures: Record<string, unknown> = {
  containers: COUNT,
  running: Array.from({ length: COUNT }, (_, i) => i).filter(RUNS).length,
};
let app: RunningApp;
let browser: Browser;
let page: Page;
const prefix = uniqueName('soak');

beforeAll(async () => {
  const t0 = Date.now();
  await mapLimit(
    Array.from({ length: COUNT }, (_, i) => i),
    8,
    async (i) => {
      await containers.run({
        name: `${prefix}-${i}`,
        image: tb.busyboxImage,
        cmd: ['sleep', '100000'],
        start: RUNS(i),
      });
    },
  );
  figures.createAllMs = Date.now() - t0;
  app = await startApp([`testbed:Test bed=${tb.dockerHost}`]);
  browser = await launchBrowser();
  page = await openApp(browser, app);
});

afterAll(async () => {
  fs.mkdirSync(path.join(__dirname, '..', 'artifacts', 'soak'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, '..', 'artifacts', 'soak', 'load.json'),
    JSON.stringify(figures, null, 2),
  );
  process.stdout.write(`\nsoak figures: ${JSON.stringify(figures)}\n`);
  await browser?.close();
  await app?.stop();
  const all = await docker.listContainers({ all: true, filters: { name: [prefix] } });
  for (const c of all) containers.adopt(c.Id);
  await mapLimit(all, 8, async (c) => {
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
  });
  await containers.cleanup();
}, 600_000);

describe(`${COUNT} containers, live`, () => {
  it('the list renders them all and stays live', async () => {
    const t0 = Date.now();
    await page.getByPlaceholder('Filter').fill(prefix);
    const table = page.locator('table[aria-rowcount]');
    await eventually(
      async () => Number(await table.getAttribute('aria-rowcount')) === COUNT,
      120_000,
      `${COUNT} rows`,
    );
    await page.locator(`tr[data-name="${prefix}-0"]`).waitFor({ timeout: 30_000 });
    figures.firstRenderMs = Date.now() - t0;
    // Only what is in sight is in the page.
    figures.rowsInPage = await page.locator('tbody tr[data-id]').count();
    expect(figures.rowsInPage).toBeLessThan(200);

    // To the end and back: the last container (as people count) is drawn when scrolled to.
    const t1 = Date.now();
    await page.locator('.table-scroll').evaluate((e) => (e.scrollTop = e.scrollHeight));
    await page.locator(`tr[data-name="${prefix}-${COUNT - 1}"]`).waitFor({ timeout: 30_000 });
    figures.scrollToEndMs = Date.now() - t1;
    await page.locator('.table-scroll').evaluate((e) => (e.scrollTop = 0));

    // Stopped containers at the top of the list, started one by one: event to row.
    const latencies: number[] = [];
    const startCalls: number[] = [];
    const toStart = Array.from({ length: 40 }, (_, i) => i)
      .filter((i) => !RUNS(i))
      .slice(0, 10);
    for (const i of toStart) {
      const name = `${prefix}-${i}`;
      await page.locator(`tr[data-name="${name}"]`).waitFor({ timeout: 30_000 });
      const asked = Date.now();
      await docker.getContainer(name).start();
      const started = Date.now();
      await page.locator(`tr[data-name="${name}"] .badge-running`).waitFor({ timeout: 30_000 });
      latencies.push(Date.now() - started);
      startCalls.push(started - asked);
    }
    startCalls.sort((a, b) => a - b);
    // The engine's own answer to "start", apart: with thousands of containers it is most of the wait.
    figures.engineStartCallMs = { median: startCalls[5], max: startCalls[9] };
    latencies.sort((a, b) => a - b);
    figures.eventToRowMs = { median: latencies[5], max: latencies[9], all: latencies };
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    figures.rendererHeapMb = Math.round(heap / 1e6);
    figures.domNodes = metrics.find((m) => m.name === 'Nodes')?.value;
    await screenshot(page, 'soak-list');
    expect(Number(await table.getAttribute('aria-rowcount'))).toBe(COUNT);
  });

  it('20 clones requested at once while the list is live: each succeeds or is reported', async () => {
    const s = new Services({
      engines: [{ id: 'tb', name: 'tb', host: tb.dockerHost }],
      dataDir: app.dataDir + '-soak',
      host: 'headless',
    });
    try {
      await s.registry.get('tb').whenOnline(10_000);
      const src = await containers.run({ name: `${prefix}-redis`, image: tb.redisImage });
      await eventually(
        async () => (await execIn(docker, src.id, ['redis-cli', 'ping'])) === 'PONG',
        15_000,
        'redis',
      );
      await execIn(docker, src.id, ['redis-cli', 'set', 'warm', 'yes']);
      unwrap(
        await s.dispatcher.dispatch('checkpoints.create', {
          engineId: 'tb',
          container: src.id,
          name: 'soak',
          leaveRunning: true,
        }),
      );
      const t0 = Date.now();
      const res = unwrap<'clones.run'>(
        await s.dispatcher.dispatch('clones.run', {
          engineId: 'tb',
          container: src.id,
          checkpoint: 'soak',
          count: 20,
          prefix: `${prefix}-clone`,
          ports: { mode: 'none' },
        }),
      );
      figures.clone20Ms = Date.now() - t0;
      figures.clone20 = {
        running: res.clones.filter((c) => c.state === 'running').length,
        failed: res.clones.filter((c) => c.state === 'failed').map((c) => `${c.name}: ${c.error}`),
      };
      expect(res.clones).toHaveLength(20);
      for (const c of res.clones) {
        if (c.state === 'running')
          expect(await execIn(docker, c.id!, ['redis-cli', 'get', 'warm'])).toBe('yes');
        else expect(c.error).toBeTruthy();
      }
      // The live list shows every running clone.
      await page.getByPlaceholder('Filter').fill(`${prefix}-clone`);
      await eventually(
        async () =>
          (await page.locator('tbody tr .badge-running').count()) ===
          res.clones.filter((c) => c.state === 'running').length,
        30_000,
        'clones in the list',
      );
      await s.checkpoints.idle();
    } finally {
      s.dispose();
    }
  });
});
