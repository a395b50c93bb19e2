// Browser mode in Chromium against the private engine: the live list, the doctor, and the gate.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Containers, COUNTER_SCRIPT, dockerFor, testbed, uniqueName } from '../testbed/support';
import { launchBrowser, openApp, pageErrors, screenshot, startApp, type RunningApp } from './harness';

const tb = testbed();
const containers = new Containers(dockerFor(tb.dockerHost));
let app: RunningApp;
let browser: Browser;
let page: Page;
let counterName: string;

beforeAll(async () => {
  counterName = uniqueName('e2e-counter');
  await containers.run({ name: counterName, image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
  app = await startApp([`testbed:Test bed=${tb.dockerHost}`]);
  browser = await launchBrowser();
  page = await openApp(browser, app);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await containers.cleanup();
});

describe('browser mode, end to end', () => {
  it('refuses requests without the token', async () => {
    const page = await fetch(app.origin + '/');
    expect(page.status).toBe(401);
    const call = await fetch(app.origin + '/api/call/engines.list', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(call.status).toBe(401);
    const wrong = await fetch(app.origin + '/?token=not-the-token', { redirect: 'manual' });
    expect(wrong.status).toBe(401);
  });

  it('lists the running busybox container, live', async () => {
    const row = page.locator(`tr[data-name="${counterName}"]`);
    await row.waitFor({ timeout: 15_000 });
    await expect(row.locator('.badge').textContent()).resolves.toBe('Up');
    await expect(row.textContent()).resolves.toContain(tb.busyboxImage);
    // The test bed engine is selected and online.
    await expect(page.locator('.engine.selected .engine-name').textContent()).resolves.toBe('Test bed');

    // A container started now appears without a reload, and its stop shows too.
    const lateName = uniqueName('e2e-late');
    const late = await containers.run({ name: lateName, image: tb.busyboxImage, cmd: ['sleep', '600'] });
    const lateRow = page.locator(`tr[data-name="${lateName}"]`);
    await lateRow.waitFor({ timeout: 10_000 });
    await containers.docker.getContainer(late.id).stop({ t: 0 });
    await page.locator(`tr[data-name="${lateName}"] .badge-exited`).waitFor({ timeout: 10_000 });

    // Keyboard: "/" focuses the filter, typing narrows the list.
    await page.keyboard.press('/');
    await page.keyboard.type(counterName);
    await expect(page.locator('tbody tr').count()).resolves.toBe(1);
    await page.keyboard.press('Escape');
    await row.waitFor();
    const file = await screenshot(page, 'foundation-container-list');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  });

  it('shows the CRIU line on the doctor page', async () => {
    await page.keyboard.press('Alt+2');
    const criu = page.locator('[data-item="criu.version"]');
    await criu.waitFor({ timeout: 30_000 });
    await expect(criu.textContent()).resolves.toMatch(/CRIU 4\.2\.\d+/);
    await page.locator('[data-item="criu.check"]').getByText('Looks good.').waitFor();
    await expect(page.locator('[data-item="kernel.soft_dirty"].doctor-warning').count()).resolves.toBe(1);
    const file = await screenshot(page, 'foundation-doctor');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  });

  it('logged nothing with the token, and the page had no errors', () => {
    expect(app.output()).toContain('POST /api/call/containers.list 200');
    expect(app.output().split(app.url).length - 1).toBe(1); // printed once, as the URL to open
    expect(app.output().replace(app.url, '')).not.toContain(app.token);
    expect(pageErrors(page).filter((e) => !/401|Failed to load resource/.test(e))).toEqual([]);
  });
});
