// A schedule set from the UI: checkpoints appear on the timeline as they are made, and one of
// them restores the job (which replaces the running state, after a confirmation).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventually, PI_JOB, piProgress, uniqueName } from '../testbed/support';
import { dialogByKey, expectNoPageErrors, gotoContainer, screenshot, useTestbedWithSession } from './harness';

const { tb, docker, containers, s } = useTestbedWithSession();

describe('schedules in the UI', () => {
  it('set a policy, watch checkpoints appear, restore one', async () => {
    const name = uniqueName('e2e-pi');
    const job = await containers.run({
      name,
      image: tb.piImage,
      cmd: PI_JOB,
    });
    await eventually(async () => (await piProgress(docker, job.id)).length > 5, 15_000, 'digits');
    await gotoContainer(s, job.id);
    await s.page.locator('#container-title').getByText(name).waitFor();
    const dialog = await dialogByKey(s.page, 'Schedule…', 's');
    await dialog.getByLabel('Every').fill('2');
    await dialog.getByLabel('Unit').selectOption('s');
    await dialog.getByLabel('Keep the last').fill('3');
    await dialog.getByRole('button', { name: 'Start schedule' }).click();
    await s.page.locator('[data-schedule-state="active"]').getByText('Every 2s').waitFor({ timeout: 10_000 });

    // Scheduled checkpoints appear by themselves, marked as such.
    await eventually(
      async () => (await s.page.locator('.marker.origin-scheduled').count()) >= 2,
      30_000,
      'two scheduled checkpoints on the timeline',
    );
    await eventually(
      async () => (await s.page.locator('.marker.origin-scheduled').count()) >= 3,
      30_000,
      'a third',
    );
    await s.page.waitForTimeout(2500);
    // Pruned to three.
    await eventually(
      async () => (await s.page.locator('.marker.origin-scheduled').count()) === 3,
      15_000,
      'pruned to three',
    );
    await screenshot(s.page, 'schedule-timeline');

    await s.page.locator('[data-schedule-state="active"]').getByRole('button', { name: 'Pause' }).click();
    await s.page.locator('[data-schedule-state="paused"]').waitFor();
    const rows = s.page.locator('.checkpoint-list tbody tr');
    await rows.nth(1).click();
    const picked = await rows.nth(1).getAttribute('data-checkpoint-row');
    const before = (await piProgress(docker, job.id)).length;
    await s.page.getByRole('button', { name: 'Restore', exact: true }).click();
    // The job is running: restoring replaces it, so the app asks first.
    await s.page.locator('dialog[open]').getByRole('button', { name: 'Stop and restore' }).click();
    await s.page
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
    const file = await screenshot(s.page, 'schedule-restored');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    expectNoPageErrors(s.page);
  });
});
