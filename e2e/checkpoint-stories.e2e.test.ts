// Stories 1 and 2 by clicking, in Chromium, against the private engine: the number printer
// resumes after a restore; three warm redis clones from one dialog.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COUNTER,
  counterValues,
  eventually,
  execIn,
  redisCommand,
  redisUp,
  runCounter,
  uniqueName,
} from '../testbed/support';
import {
  checkpointFromUi,
  expectNoPageErrors,
  openContainer,
  screenshot,
  startCloneFromUi,
  useTestbedWithSession,
} from './harness';

const { tb, docker, containers, s } = useTestbedWithSession({ clones: true });

const logValues = async () =>
  ((await s.page.locator('[data-log-lines]').textContent()) ?? '')
    .split('\n')
    .filter((l) => /^\d+$/.test(l.trim()))
    .map(Number);

describe('checkpoint stories in the UI', () => {
  it('story 1: checkpoint the number printer, restore it, the count goes on', async () => {
    const name = uniqueName('e2e-printer');
    const c = await runCounter(containers, 3, { name });
    await openContainer(s.page, name);
    await s.page.getByText('No checkpoints yet').waitFor();
    await eventually(async () => (await logValues()).length >= 3, 10_000, 'the log pane to show the count');

    await checkpointFromUi(s.page, 'e2e-pause', { leaveRunning: false });
    await s.page.locator('#container-title .badge-exited').waitFor({ timeout: 10_000 });
    const atStop = (await counterValues(docker, c.id)).at(-1)!;
    await s.page
      .locator('[data-processes]')
      .getByText(/sh, sleep|sleep, sh/)
      .waitFor({ timeout: 15_000 });
    await s.page.locator('[data-marker="e2e-pause"]').waitFor();

    await s.page.getByRole('button', { name: 'Restore', exact: true }).click();
    await s.page
      .locator('.op-status')
      .getByText(/Restored e2e-pause/)
      .waitFor({ timeout: 30_000 });
    await s.page.locator('#container-title .badge-running').waitFor({ timeout: 10_000 });
    // The log pane, following across the stop and the restore, shows the count going on.
    const shown = await eventually(
      async () => {
        const v = await logValues();
        const i = v.lastIndexOf(atStop);
        return i >= 0 && v.length >= i + 3 ? v.slice(i) : undefined;
      },
      20_000,
      'numbers after the restore in the log pane',
    );
    expect(shown.slice(0, 3)).toEqual([atStop, atStop + 1, atStop + 2]);
    // And the engine's own log agrees: the count never started again from 0.
    expect((await counterValues(docker, c.id)).lastIndexOf(0)).toBe(0);
    const file = await screenshot(s.page, 'story1-timeline-restored');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  });

  it('story 2: three warm redis clones from one dialog', async () => {
    const name = uniqueName('e2e-redis');
    const src = await containers.run({ name, image: tb.redisImage, network: tb.network, ports: [6379] });
    await redisUp(docker, src.id, 'redis up');
    await execIn(docker, src.id, ['redis-cli', 'set', 'warm', 'yes']);
    await execIn(docker, src.id, [
      'sh',
      '-c',
      'seq 1 3000 | sed "s/.*/SET key:& &/" | redis-cli > /dev/null',
    ]);
    await openContainer(s.page, name);

    await checkpointFromUi(s.page, 'warm', { leaveRunning: true });

    await s.page.getByRole('button', { name: 'Clone…' }).click();
    const dialog = s.page.locator('dialog[open]');
    // A taken name is caught before anything starts.
    await dialog.getByLabel('Name prefix').fill(name.replace(/-[^-]+$/, ''));
    await dialog.getByLabel('How many').fill('3');
    const prefix = uniqueName('warm');
    await containers.run({ name: `${prefix}-2`, image: tb.busyboxImage, cmd: ['sleep', '600'] });
    await dialog.getByLabel('Name prefix').fill(prefix);
    await dialog.locator('[data-clone-problems]').getByText(`${prefix}-2`).waitFor({ timeout: 10_000 });
    await expect(dialog.getByRole('button', { name: 'Clone 3' }).isDisabled()).resolves.toBe(true);
    const okPrefix = uniqueName('warm');
    await dialog.getByLabel('Name prefix').fill(okPrefix);
    await dialog
      .locator('[data-clone-names]')
      .getByText(`${okPrefix}-1 … ${okPrefix}-3`)
      .waitFor({ timeout: 10_000 });
    await dialog.getByRole('button', { name: 'Clone 3' }).click();
    await dialog.locator('[data-clone-status]').getByText('3 clones running.').waitFor({ timeout: 60_000 });
    await expect(dialog.locator('tr[data-state="running"]').count()).resolves.toBe(3);
    const file = await screenshot(s.page, 'story2-clone-result');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);

    for (let i = 1; i <= 3; i++) {
      const info = await docker.getContainer(`${okPrefix}-${i}`).inspect();
      containers.adopt(info.Id);
      expect(await execIn(docker, info.Id, ['redis-cli', 'get', 'warm'])).toBe('yes');
      expect(await execIn(docker, info.Id, ['redis-cli', 'dbsize'])).toBe('3001');
      const port = Number(info.NetworkSettings.Ports['6379/tcp']?.[0]?.HostPort);
      expect(await redisCommand(port, 'GET warm')).toBe('yes');
    }
    await dialog.getByRole('button', { name: 'Close' }).click();
    // The clones are in the live list.
    await s.page.keyboard.press('Alt+1');
    await s.page.getByPlaceholder('Filter').fill(okPrefix);
    await expect(s.page.locator('tbody tr').count()).resolves.toBe(3);
    expectNoPageErrors(s.page);
  });

  it('a clone of 10 cancelled from its dialog leaves nothing behind', async () => {
    const name = uniqueName('e2e-cancel');
    await containers.run({ name, image: tb.busyboxImage, cmd: COUNTER });
    await openContainer(s.page, name);
    await checkpointFromUi(s.page, 'base', { leaveRunning: true });
    // The user's containers (the app's helpers come and go on their own): none added in the end.
    const users = async () =>
      JSON.stringify(
        (await docker.listContainers({ all: true }))
          .filter((c) => !c.Labels?.['dev.checkpointstudio.helper'])
          .map((c) => c.Id)
          .sort(),
      );
    const before = await users();
    const dialog = await startCloneFromUi(s.page, uniqueName('cancel'), 10);
    await dialog.locator('[data-cancel-op]').click();
    await dialog
      .locator('[data-clone-status]')
      .getByText(/was cancelled/)
      .waitFor({ timeout: 60_000 });
    await screenshot(s.page, 'clone-cancelled');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await eventually(async () => (await users()) === before, 30_000, 'every clone gone');
    await eventually(
      async () =>
        (await docker.listContainers({ all: true, filters: { label: ['dev.checkpointstudio.helper'] } }))
          .length === 0,
      30_000,
      'every helper gone',
    );
  });
});
