// A second engine added from the UI, and a running container moved to it by clicking.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countsOn, runCounter, testbedEngine, testbedFixture, uniqueName } from '../testbed/support';
import {
  dialogByKey,
  expectNoPageErrors,
  gotoContainer,
  migrated,
  screenshot,
  shown,
  useTestbedSession,
} from './harness';

const { tb, containers: onA } = testbedFixture(testbedEngine('a'));
const { docker: dockerB, containers: onB } = testbedFixture(testbedEngine('b'));
const s = useTestbedSession(testbedEngine('a'), async () => {
  await onA.cleanup();
  await onB.cleanup();
});

describe('migration in the UI', () => {
  it('add the second engine, migrate by clicking, see the container under it', async () => {
    await s.page.keyboard.press('Alt+3');
    await s.page.getByLabel('Engine name').fill('Test bed B');
    await s.page.getByLabel('Engine address').fill(tb.engines.b!);
    await s.page.getByRole('button', { name: 'Test', exact: true }).click();
    await s.page
      .locator('[data-engine-test]')
      .getByText(/Answers: Docker/)
      .waitFor({ timeout: 10_000 });
    await s.page.getByRole('button', { name: 'Add engine' }).click();
    await s.page.locator('[data-engine="test-bed-b"]').getByText('online').waitFor({ timeout: 15_000 });
    await screenshot(s.page, 'engines-added');

    const name = uniqueName('e2e-move');
    const c = await runCounter(onA, 3, { name });
    await gotoContainer(s, c.id);
    await s.page.locator('#container-title').getByText(name).waitFor();
    const dialog = await dialogByKey(s.page, 'Migrate…', 'm');
    await dialog.getByLabel('Target engine').selectOption('test-bed-b');
    await dialog.locator('[data-migrate-ready]').waitFor({ timeout: 15_000 });
    await dialog.getByRole('button', { name: 'Migrate', exact: true }).click();
    await migrated(s.page, dialog, `${name} runs on Test bed B.`, 'debug-migrate', 60_000);
    expect(await dialog.locator('tr[data-state="failed"]').count()).toBe(0);
    await screenshot(s.page, 'migrate-stages');
    await dialog.getByRole('button', { name: /Open it on Test bed B/ }).click();
    await s.page.locator('#container-title .badge-running').waitFor({ timeout: 10_000 });
    await expect(s.page.locator('.engine.selected .engine-name').textContent()).resolves.toBe('Test bed B');

    const moved = (await dockerB.listContainers({ filters: { name: [name] } }))[0]!;
    onB.adopt(moved.Id);
    const values = await countsOn(dockerB, moved.Id, (v) => v.length >= 2, 'counting on B');
    expect(values[0]).toBeGreaterThanOrEqual(3);

    // Under "All engines", it is listed in B's group, and gone from A's.
    await s.page.locator('.engine').getByText('All engines').click();
    // (On a failure, the screenshot and the server's output say what the page showed instead.)
    await shown(
      s.page,
      s.app,
      s.page.locator(`[data-engine-group="test-bed-b"] tr[data-name="${name}"]`),
      'migrate-all-engines-missing',
    );
    expect(await s.page.locator(`[data-engine-group="testbed"] tr[data-name="${name}"]`).count()).toBe(0);
    const file = await screenshot(s.page, 'migrate-all-engines');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
    expectNoPageErrors(s.page);
  });
});
