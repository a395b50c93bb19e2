// A schedule set from the UI: checkpoints appear on the timeline as they are made, and one of
// them restores the job (which replaces the running state, after a confirmation).
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Containers, dockerFor, eventually, piProgress, testbed, uniqueName } from '../testbed/support';
import { closeSession, openTestbedSession, pageErrors, type RunningApp, screenshot } from './harness';

const tb = testbed();
const docker = dockerFor(tb.dockerHost);
const containers = new Containers(docker);
let app: RunningApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ app, browser, page } = await openTestbedSession(tb.dockerHost));
});

afterAll(async () => {
  await closeSession({ app, browser });
  await containers.cleanup();
});

describe('schedules in the UI', () => {
  it('set a policy, watch checkpoints appear, restore one', async () => {
    const name = uniqueName('e2e-pi');
    const job = await containers.run({
      name,
      image: tb.piImage,
      cmd: ['awk', '-v', 'n=3000', '-f', '/usr/local/share/pi.awk'],
    });
    await eventually(async () => (await piProgress(docker, job.id)).length > 5, 15_000, 'digits');
    await page.goto(`${app.origin}/#/container/testbed/${job.id}`);
    await page.locator('#container-title').getByText(name).waitFor();
    // The shortcut, like the button, waits for the app to have seen the job running (its start
    // event can come after the name is on screen).
    await page.getByRole('button', { name: 'Schedule…', disabled: false }).waitFor();
    await page.keyboard.press('s');
    const dialog = page.locator('dialog[open]');
    await dialog.getByLabel('Every').fill('2');
    await dialog.getByLabel('Unit').selectOption('s');
    await dialog.getByLabel('Keep the last').fill('3');
    await dialog.getByRole('button', { name: 'Start schedule' }).click();
    await page.locator('[data-schedule-state="active"]').getByText('Every 2s').waitFor({ timeout: 10_000 });

    // Scheduled checkpoints appear by themselves, marked as such.
    await eventually(
      async () => (await page.locator('.marker.origin-scheduled').count()) >= 2,
      30_000,
      'two scheduled checkpoints on the timeline',
    );
    await eventually(
      async () => (await page.locator('.marker.origin-scheduled').count()) >= 3,
      30_000,
      'a third',
    );
    await page.waitForTimeout(2500);
    // Pruned to three.
    await eventually(
      async () => (await page.locator('.marker.origin-scheduled').count()) === 3,
      15_000,
      'pruned to three',
    );
    await screenshot(page, 'schedule-timeline');

    await page.locator('[data-schedule-state="active"]').getByRole('button', { name: 'Pause' }).click();
    await page.locator('[data-schedule-state="paused"]').waitFor();
    const rows = page.locator('.checkpoint-list tbody tr');
    await rows.nth(1).click();
    const picked = await rows.nth(1).getAttribute('data-checkpoint-row');
    const before = (await piProgress(docker, job.id)).length;
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    // The job is running: restoring replaces it, so the app asks first.
    await page.locator('dialog[open]').getByRole('button', { name: 'Stop and restore' }).click();
    await page
      .locator('.op-status')
      .getByText(new RegExp(`Restored ${picked}`))
      .waitFor({ timeout: 30_000 });
    const resumed = await eventually(
      async () => {
        const p = await piProgress(docker, job.id);
        return p.length > before + 2 ? p.slice(before) : undefined;
      },
      30_000,
      'digits after the restore',
    );
    expect(resumed[0]).toBeGreaterThan(5);
    const file = await screenshot(page, 'schedule-restored');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    expect(pageErrors(page).filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
