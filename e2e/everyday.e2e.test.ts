// Everyday use, in Chromium against the test bed: ten clones of a warm container picked in the list
// with a click and a shift-click (sorted as people count: -2 before -10) and removed in one go, the
// confirmation naming them and each result reported; the source's checkpoint counted in its row.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Containers,
  COUNTER_SCRIPT,
  counterValues,
  dockerFor,
  eventually,
  testbed,
  uniqueName,
} from '../testbed/support';
import { launchBrowser, openApp, pageErrors, screenshot, startApp, type RunningApp } from './harness';

const tb = testbed();
const docker = dockerFor(tb.dockerHost);
const containers = new Containers(docker);
const BIN = path.resolve(__dirname, '..', 'bin', 'checkpoint-studio.js');
let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  app = await startApp([`testbed:Test bed=${tb.dockerHost}`]);
  browser = await launchBrowser();
  page = await openApp(browser, app);
  await page.locator('.engine.selected').getByText('Test bed').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  const left = await docker.listContainers({
    all: true,
    filters: { label: ['dev.checkpointstudio.clone-of'] },
  });
  for (const c of left) containers.adopt(c.Id);
  await containers.cleanup();
});

describe('the container list', () => {
  it('picks ten clones with click and shift-click and removes them in one go', async () => {
    const source = await containers.run({
      name: uniqueName('warm'),
      image: tb.busyboxImage,
      cmd: ['sh', '-c', COUNTER_SCRIPT],
    });
    await eventually(async () => (await counterValues(docker, source.id)).length >= 2, 15_000, 'counting');
    // The command line beside the running app, on the same catalog: as a user would use both.
    const env = { ...process.env, DOCKER_HOST: tb.dockerHost, CHECKPOINT_STUDIO_HOME: app.dataDir };
    execFileSync(process.execPath, [BIN, 'checkpoint', source.name, '--name', 'warm', '--leave-running'], {
      env,
    });
    const prefix = uniqueName('bulk');
    execFileSync(
      process.execPath,
      [
        BIN,
        'clone',
        source.name,
        '--checkpoint',
        'warm',
        '--count',
        '10',
        '--prefix',
        prefix,
        '--ports',
        'none',
      ],
      { env },
    );

    await page.goto(`${app.origin}/#/containers`);
    await page.getByLabel('Filter containers').fill(prefix);
    const rows = page.locator(`tbody tr[data-name^="${prefix}"]`);
    await eventually(async () => (await rows.count()) === 10, 20_000, 'ten clones listed');
    // Sorted as people count.
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(
      Array.from({ length: 10 }, (_, i) => `${prefix}-${i + 1}`),
    );
    await rows.first().click();
    await rows.last().click({ modifiers: ['Shift'] });
    const bar = page.locator('[data-bulk-bar]');
    await expect(bar.locator('.bulk-count').textContent()).resolves.toBe('10 selected');
    await expect(page.locator('tbody tr[aria-selected="true"]').count()).resolves.toBe(10);
    await screenshot(page, 'bulk-selected');

    await bar.getByRole('button', { name: 'Remove…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove 10 containers?' });
    await expect(confirm.textContent()).resolves.toContain(`${prefix}-1`);
    await screenshot(page, 'bulk-remove-confirm');
    await confirm.getByRole('button', { name: 'Remove 10' }).click();
    await eventually(async () => (await rows.count()) === 0, 30_000, 'the clones gone from the list');
    const left = await docker.listContainers({ all: true, filters: { name: [prefix] } });
    expect(left).toEqual([]);

    // The source is still there; once its page has been opened (the app learns of checkpoints made
    // elsewhere there), its row counts its checkpoint.
    await page.goto(`${app.origin}/#/container/testbed/${source.id}`);
    await page.locator('[data-checkpoint-row="warm"]').waitFor({ timeout: 20_000 });
    await page.goto(`${app.origin}/#/containers`);
    await page.getByLabel('Filter containers').fill(source.name);
    const sourceRow = page.locator(`tbody tr[data-name="${source.name}"]`);
    await eventually(
      async () => (await sourceRow.locator('[data-checkpoint-count]').textContent()) === '1',
      15_000,
      'the count',
    );
    expect(pageErrors(page).filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });

  it('the keyboard alone: Space picks, Shift+Down extends, Esc drops, and a stop is reported per container', async () => {
    const base = uniqueName('keys');
    const names = await Promise.all(
      [1, 2, 3].map(
        async (i) =>
          (
            await containers.run({
              name: `${base}-${i}`,
              image: tb.busyboxImage,
              cmd: ['sh', '-c', 'trap "exit 0" TERM; sleep 600 & wait'],
            })
          ).name,
      ),
    );
    const common = base;
    await page.goto(`${app.origin}/#/containers`);
    await page.getByLabel('Filter containers').fill(common);
    const rows = page.locator(`tbody tr[data-name^="${common}"]`);
    await eventually(async () => (await rows.count()) === 3, 20_000, 'three listed');
    await page.getByLabel('Filter containers').press('ArrowDown');
    await page.keyboard.press('Space');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    const bar = page.locator('[data-bulk-bar]');
    await expect(bar.locator('.bulk-count').textContent()).resolves.toBe('3 selected');
    await bar.getByRole('button', { name: 'Stop', exact: true }).click();
    await bar.locator('[data-bulk-result="stop"]').waitFor({ timeout: 30_000 });
    await expect(bar.locator('[data-bulk-result="stop"]').textContent()).resolves.toContain('3 stopped');
    for (const n of names) expect((await docker.getContainer(n).inspect()).State.Running).toBe(false);
    await rows.first().focus();
    await page.keyboard.press('Escape');
    await expect(bar.count()).resolves.toBe(0);
  });

  it('one click checkpoints with the options used last, the menu beside it opens the dialog; Restore newest brings it back', async () => {
    const c = await containers.run({
      name: uniqueName('oneclick'),
      image: tb.busyboxImage,
      cmd: ['sh', '-c', COUNTER_SCRIPT],
    });
    await eventually(async () => (await counterValues(docker, c.id)).length >= 2, 15_000, 'counting');
    await page.goto(`${app.origin}/#/container/testbed/${c.id}`);
    const now = page.locator('[data-checkpoint-now]');
    await expect(now.textContent()).resolves.toContain('keeps running');
    await now.click();
    await page
      .locator('.op-status')
      .getByText(/Checkpoint cp-.* saved/)
      .waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-checkpoint-row]').count()).resolves.toBe(1);
    expect((await docker.getContainer(c.id).inspect()).State.Running).toBe(true);
    await screenshot(page, 'one-click-checkpoint');

    // The dialog, from the menu beside it: this time the container stops, and that is remembered.
    await page.getByRole('button', { name: 'Checkpoint…', exact: true }).click();
    await page.getByLabel('Name', { exact: true }).fill('before-stop');
    await page.getByLabel(/Leave it running/).uncheck();
    await page.getByRole('button', { name: 'Checkpoint', exact: true }).click();
    await page
      .locator('.op-status')
      .getByText(/Checkpoint before-stop saved/)
      .waitFor({ timeout: 30_000 });
    await eventually(
      async () => !(await docker.getContainer(c.id).inspect()).State.Running,
      15_000,
      'stopped',
    );
    await expect(now.textContent()).resolves.toContain('stops it');

    // Stopped: one click brings it back from the newest checkpoint, and it counts on.
    const last = (await counterValues(docker, c.id)).at(-1)!;
    await page.getByRole('button', { name: 'Restore newest' }).click();
    await eventually(
      async () => (await docker.getContainer(c.id).inspect()).State.Running,
      30_000,
      'restored',
    );
    await eventually(
      async () => (await counterValues(docker, c.id)).some((x) => x > last),
      15_000,
      'counting on',
    );
    // Back to the default for the other tests in this browser.
    await page.evaluate("localStorage.removeItem('checkpoint-studio.leave-running')");
  });
});
