// Everyday use, in Chromium against the test bed: ten clones of a warm container picked in the list
// with a click and a shift-click (sorted as people count: -2 before -10) and removed in one go, the
// confirmation naming them and each result reported; the source's checkpoint counted in its row.
import { describe, expect, it } from 'vitest';
import { COUNTER, counterValues, eventually, runCounter, uniqueName } from '../testbed/support';
import {
  appCli,
  expectNoPageErrors,
  gotoContainer,
  screenshot,
  startCloneFromUi,
  useTestbedWithSession,
} from './harness';

const { tb, docker, containers, s } = useTestbedWithSession({ clones: true });

describe('the container list', () => {
  it('picks ten clones with click and shift-click and removes them in one go', async () => {
    const source = await runCounter(containers, 2, { name: uniqueName('warm') });
    // The command line beside the running app, on the same catalog: as a user would use both.
    const cli = appCli(s.app, tb.dockerHost);
    cli('checkpoint', source.name, '--name', 'warm', '--leave-running');
    const prefix = uniqueName('bulk');
    cli('clone', source.name, '--checkpoint', 'warm', '--count', '10', '--prefix', prefix, '--ports', 'none');

    await s.page.goto(`${s.app.origin}/#/containers`);
    await s.page.getByLabel('Filter containers').fill(prefix);
    const rows = s.page.locator(`tbody tr[data-name^="${prefix}"]`);
    await eventually(async () => (await rows.count()) === 10, 20_000, 'ten clones listed');
    // Sorted as people count.
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(
      Array.from({ length: 10 }, (_, i) => `${prefix}-${i + 1}`),
    );
    await rows.first().click();
    await rows.last().click({ modifiers: ['Shift'] });
    const bar = s.page.locator('[data-bulk-bar]');
    await expect(bar.locator('.bulk-count').textContent()).resolves.toBe('10 selected');
    await expect(s.page.locator('tbody tr[aria-selected="true"]').count()).resolves.toBe(10);
    await screenshot(s.page, 'bulk-selected');

    await bar.getByRole('button', { name: 'Remove…' }).click();
    const confirm = s.page.getByRole('dialog', { name: 'Remove 10 containers?' });
    await expect(confirm.textContent()).resolves.toContain(`${prefix}-1`);
    await screenshot(s.page, 'bulk-remove-confirm');
    await confirm.getByRole('button', { name: 'Remove 10' }).click();
    await eventually(async () => (await rows.count()) === 0, 30_000, 'the clones gone from the list');
    const left = await docker.listContainers({ all: true, filters: { name: [prefix] } });
    expect(left).toEqual([]);

    // The source is still there; once its page has been opened (the app learns of checkpoints made
    // elsewhere there), its row counts its checkpoint.
    await gotoContainer(s, source.id);
    await s.page.locator('[data-checkpoint-row="warm"]').waitFor({ timeout: 20_000 });
    await s.page.goto(`${s.app.origin}/#/containers`);
    await s.page.getByLabel('Filter containers').fill(source.name);
    const sourceRow = s.page.locator(`tbody tr[data-name="${source.name}"]`);
    await eventually(
      async () => (await sourceRow.locator('[data-checkpoint-count]').textContent()) === '1',
      15_000,
      'the count',
    );
    expectNoPageErrors(s.page);
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
    await s.page.goto(`${s.app.origin}/#/containers`);
    await s.page.getByLabel('Filter containers').fill(common);
    const rows = s.page.locator(`tbody tr[data-name^="${common}"]`);
    await eventually(async () => (await rows.count()) === 3, 20_000, 'three listed');
    await s.page.getByLabel('Filter containers').press('ArrowDown');
    await s.page.keyboard.press('Space');
    await s.page.keyboard.press('Shift+ArrowDown');
    await s.page.keyboard.press('Shift+ArrowDown');
    const bar = s.page.locator('[data-bulk-bar]');
    await expect(bar.locator('.bulk-count').textContent()).resolves.toBe('3 selected');
    await bar.getByRole('button', { name: 'Stop', exact: true }).click();
    await bar.locator('[data-bulk-result="stop"]').waitFor({ timeout: 30_000 });
    await expect(bar.locator('[data-bulk-result="stop"]').textContent()).resolves.toContain('3 stopped');
    for (const n of names) expect((await docker.getContainer(n).inspect()).State.Running).toBe(false);
    await rows.first().focus();
    await s.page.keyboard.press('Escape');
    await expect(bar.count()).resolves.toBe(0);
  });

  it('clone groups: clones fold under their source, its page removes them all, the CLI lists them, the dialog removes what it made', async () => {
    const source = await runCounter(containers, 2, { name: uniqueName('grp') });
    const cli = appCli(s.app, tb.dockerHost);
    cli('checkpoint', source.name, '--name', 'warm', '--leave-running');
    cli(
      'clone',
      source.name,
      '--checkpoint',
      'warm',
      '--count',
      '4',
      '--prefix',
      `${source.name}-c`,
      '--ports',
      'none',
    );
    const listed = JSON.parse(cli('clones', source.name, '--json')) as {
      source: { id: string };
      clones: { name: string; cloneOf: { sourceId: string; checkpoint: string } }[];
    };
    expect(listed.source.id).toBe(source.id);
    expect(listed.clones.map((c) => [c.name, c.cloneOf.checkpoint])).toEqual(
      [1, 2, 3, 4].map((i) => [`${source.name}-c-${i}`, 'warm']),
    );

    // The list: one row for the source, its clones folded under it until opened.
    await s.page.goto(`${s.app.origin}/#/containers`);
    await s.page.getByLabel('Filter containers').fill(source.name);
    const rows = s.page.locator(`tbody tr[data-name^="${source.name}"]`);
    const toggle = s.page.locator(`[data-clone-toggle="${source.name}"]`);
    await toggle.waitFor({ timeout: 20_000 });
    await expect(toggle.textContent()).resolves.toContain('4 clones');
    await expect(rows.count()).resolves.toBe(1);
    await toggle.click();
    await eventually(async () => (await rows.count()) === 5, 5_000, 'the group opened');
    await expect(s.page.locator('tbody td.clone-name').count()).resolves.toBe(4);

    // The source's page: "4 clones of warm", removed in one go.
    await gotoContainer(s, source.id);
    const group = s.page.locator('[data-clone-group="warm"]');
    await group.waitFor({ timeout: 20_000 });
    await expect(group.locator('.bulk-count').textContent()).resolves.toBe('4 clones of warm · 4 running');
    await screenshot(s.page, 'clone-group');
    await group.getByRole('button', { name: 'Remove all…' }).click();
    const confirm = s.page.getByRole('dialog', { name: 'Remove 4 containers?' });
    await confirm.getByRole('button', { name: 'Remove 4' }).click();
    await group.waitFor({ state: 'detached', timeout: 30_000 });
    expect(await docker.listContainers({ all: true, filters: { name: [`${source.name}-c-`] } })).toEqual([]);

    // The clone dialog's result: the two it just made, removed with one click.
    const dialog = await startCloneFromUi(s.page, `${source.name}-d`, 2);
    const removeThese = dialog.getByRole('button', { name: 'Remove these 2' });
    await removeThese.waitFor({ timeout: 60_000 });
    await removeThese.click();
    await dialog
      .locator('[data-clone-removed]')
      .getByText('2 removed.', { exact: true })
      .waitFor({ timeout: 30_000 });
    expect(await docker.listContainers({ all: true, filters: { name: [`${source.name}-d-`] } })).toEqual([]);
    expect(JSON.parse(cli('clones', source.name, '--json')).clones).toEqual([]);
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('the library: every checkpoint, those of a removed container too, filtered, inspected and deleted many at once', async () => {
    const base = uniqueName('lib');
    const [kept, removed] = await Promise.all(
      ['kept', 'removed'].map((n) =>
        containers.run({ name: `${base}-${n}`, image: tb.busyboxImage, cmd: COUNTER }),
      ),
    );
    for (const [c, times] of [
      [kept!, 2],
      [removed!, 1],
    ] as const) {
      await gotoContainer(s, c.id);
      for (let i = 1; i <= times; i++) {
        await s.page.locator('[data-checkpoint-now]').click();
        await eventually(
          async () => (await s.page.locator('[data-checkpoint-row]').count()) === i,
          30_000,
          `checkpoint ${i} of ${c.name}`,
        );
        await s.page.locator('[data-op-done="yes"]').waitFor({ timeout: 30_000 });
      }
    }
    await docker.getContainer(removed!.id).remove({ force: true });

    await s.page.goto(`${s.app.origin}/#/library`);
    await s.page.getByLabel('Filter by container').fill(base);
    const rows = s.page.locator('tbody tr[data-library-row]');
    await eventually(async () => (await rows.count()) === 3, 15_000, 'three checkpoints listed');
    await eventually(
      async () => (await s.page.locator('tbody tr[data-kept="gone"]').count()) === 1,
      15_000,
      "the removed container's checkpoint shown as gone (Docker removes them with it)",
    );
    expect(Number(await s.page.locator('[data-disk-total]').getAttribute('data-disk-total'))).toBeGreaterThan(
      0,
    );
    await s.page.getByLabel('Kept').selectOption('gone');
    await expect(rows.count()).resolves.toBe(1);
    await s.page.getByLabel('Kept').selectOption('');
    await s.page.getByRole('button', { name: /^Size/ }).click();
    await screenshot(s.page, 'library');

    // Enter opens one in the inspector.
    await s.page.locator('tbody tr[data-kept="engine"]').first().focus();
    await s.page.keyboard.press('Enter');
    await s.page.waitForURL(/#\/inspect\/engine\/testbed\//);
    await s.page.locator('[data-inspect-tab], .inspect-view, h1').first().waitFor();
    await s.page.goBack();
    await s.page.getByLabel('Filter by container').fill(base);
    await eventually(async () => (await rows.count()) === 3, 15_000, 'listed again');

    await rows.first().click();
    await rows.last().click({ modifiers: ['Shift'] });
    await s.page.locator('[data-library-bar]').getByRole('button', { name: 'Delete…' }).click();
    const confirm = s.page.getByRole('dialog', { name: 'Delete 3 checkpoints?' });
    await confirm.getByRole('button', { name: 'Delete 3' }).click();
    const result = s.page.locator('[data-library-result]');
    await result.waitFor({ timeout: 30_000 });
    await expect(result.textContent()).resolves.toBe('3 deleted.');
    await eventually(async () => (await rows.count()) === 0, 10_000, 'none left');
    // Gone from the engine too (dockerode has the call, untyped; Docker answers "null" for none).
    const engineSide = docker.getContainer(kept!.id) as unknown as { listCheckpoint(): Promise<unknown> };
    const raw = await engineSide.listCheckpoint();
    expect((Buffer.isBuffer(raw) ? JSON.parse(raw.toString()) : raw) ?? []).toEqual([]);
  });

  it('one click checkpoints with the options used last, the menu beside it opens the dialog; Restore newest brings it back', async () => {
    const c = await runCounter(containers, 2, { name: uniqueName('oneclick') });
    await gotoContainer(s, c.id);
    const now = s.page.locator('[data-checkpoint-now]');
    await expect(now.textContent()).resolves.toContain('keeps running');
    await now.click();
    await s.page
      .locator('.op-status')
      .getByText(/Checkpoint cp-.* saved/)
      .waitFor({ timeout: 30_000 });
    await expect(s.page.locator('[data-checkpoint-row]').count()).resolves.toBe(1);
    expect((await docker.getContainer(c.id).inspect()).State.Running).toBe(true);
    // Docker keeps no CRIU statistics: the downtime is bounded by the app's own measurement.
    await expect(s.page.locator('[data-downtime]').textContent()).resolves.toMatch(
      /^at most \d+(\.\d+)? m?s: /,
    );
    await screenshot(s.page, 'one-click-checkpoint');

    // The dialog, from the menu beside it: this time the container stops, and that is remembered.
    await s.page.getByRole('button', { name: 'Checkpoint…', exact: true }).click();
    await s.page.getByLabel('Name', { exact: true }).fill('before-stop');
    await s.page.getByLabel(/Leave it running/).uncheck();
    await s.page.getByRole('button', { name: 'Checkpoint', exact: true }).click();
    await s.page
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
    await s.page.getByRole('button', { name: 'Restore newest' }).click();
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
    await s.page.evaluate("localStorage.removeItem('checkpoint-studio.leave-running')");
  });
});
