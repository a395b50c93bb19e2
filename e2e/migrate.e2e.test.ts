// A second engine added from the UI, and a running container moved to it by clicking.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Containers,
  COUNTER_SCRIPT,
  counterValues,
  dockerFor,
  eventually,
  testbed,
  testbedEngine,
  uniqueName,
} from '../testbed/support';
import { closeSession, openTestbedSession, pageErrors, type RunningApp, screenshot, shown } from './harness';

const tb = testbed();
const dockerA = dockerFor(tb.engines.a!);
const dockerB = dockerFor(tb.engines.b!);
const onA = new Containers(dockerA);
const onB = new Containers(dockerB);
let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ app, browser, page } = await openTestbedSession(testbedEngine('a')));
});

afterAll(async () => {
  await closeSession({ app, browser });
  await onA.cleanup();
  await onB.cleanup();
});

describe('migration in the UI', () => {
  it('add the second engine, migrate by clicking, see the container under it', async () => {
    await page.keyboard.press('Alt+3');
    await page.getByLabel('Engine name').fill('Test bed B');
    await page.getByLabel('Engine address').fill(tb.engines.b!);
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page
      .locator('[data-engine-test]')
      .getByText(/Answers: Docker/)
      .waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Add engine' }).click();
    await page.locator('[data-engine="test-bed-b"]').getByText('online').waitFor({ timeout: 15_000 });
    await screenshot(page, 'engines-added');

    const name = uniqueName('e2e-move');
    const c = await onA.run({ name, image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
    await eventually(async () => (await counterValues(dockerA, c.id)).length >= 3, 15_000, 'counting');
    await page.goto(`${app.origin}/#/container/testbed/${c.id}`);
    await page.locator('#container-title').getByText(name).waitFor();
    await page.getByRole('button', { name: 'Migrate…', disabled: false }).waitFor();
    await page.keyboard.press('m');
    const dialog = page.locator('dialog[open]');
    await dialog.getByLabel('Target engine').selectOption('test-bed-b');
    await dialog.locator('[data-migrate-ready]').waitFor({ timeout: 15_000 });
    await dialog.getByRole('button', { name: 'Migrate', exact: true }).click();
    await dialog
      .locator('[data-migrate-status]')
      .getByText(`${name} runs on Test bed B.`)
      .waitFor({ timeout: 60_000 })
      .catch(async (e) => {
        await screenshot(page, 'debug-migrate');
        throw e;
      });
    expect(await dialog.locator('tr[data-state="failed"]').count()).toBe(0);
    await screenshot(page, 'migrate-stages');
    await dialog.getByRole('button', { name: /Open it on Test bed B/ }).click();
    await page.locator('#container-title .badge-running').waitFor({ timeout: 10_000 });
    await expect(page.locator('.engine.selected .engine-name').textContent()).resolves.toBe('Test bed B');

    const moved = (await dockerB.listContainers({ filters: { name: [name] } }))[0]!;
    onB.adopt(moved.Id);
    const values = await eventually(
      async () => {
        const v = await counterValues(dockerB, moved.Id);
        return v.length >= 2 ? v : undefined;
      },
      15_000,
      'counting on B',
    );
    expect(values[0]).toBeGreaterThanOrEqual(3);

    // Under "All engines", it is listed in B's group, and gone from A's.
    await page.locator('.engine').getByText('All engines').click();
    // (On a failure, the screenshot and the server's output say what the page showed instead.)
    await shown(
      page,
      app,
      page.locator(`[data-engine-group="test-bed-b"] tr[data-name="${name}"]`),
      'migrate-all-engines-missing',
    );
    expect(await page.locator(`[data-engine-group="testbed"] tr[data-name="${name}"]`).count()).toBe(0);
    const file = await screenshot(page, 'migrate-all-engines');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    expect(pageErrors(page).filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
