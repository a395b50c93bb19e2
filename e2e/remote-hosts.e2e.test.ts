// Two machines added from the UI — one over SSH (its host key shown before it is trusted), one over
// TLS — and a running job moved from one to the other by clicking, its downtime shown.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Containers,
  COUNTER_SCRIPT,
  counterValues,
  dockerFor,
  eventually,
  testbed,
  testHosts,
  uniqueName,
} from '../testbed/support';
import { closeSession, openTestbedSession, pageErrors, type RunningApp, screenshot } from './harness';

const tb = testbed();
const hosts = testHosts();
const docker1 = dockerFor(hosts.h1.sock);
const docker2 = dockerFor(hosts.h2.sock);
const on1 = new Containers(docker1);
const on2 = new Containers(docker2);
let app: RunningApp;
let browser: Browser;
let page: Page;
let image = '';

beforeAll(async () => {
  ({ app, browser, page } = await openTestbedSession(tb.dockerHost));
});

afterAll(async () => {
  await closeSession({ app, browser });
  await on1.cleanup();
  await on2.cleanup();
  for (const d of [docker1, docker2])
    if (image)
      await d
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
});

describe('remote hosts in the UI', () => {
  it('add a host over SSH (a stranger key refused, the host key shown) and one over TLS', async () => {
    await page.keyboard.press('Alt+3');
    await page.getByLabel('Engine name').fill('Host one');
    await page.getByLabel('Engine address').fill(hosts.h1.ssh);
    // ssh:// asks for an identity file instead of a TLS folder.
    await page.getByLabel('Identity file').fill(hosts.strangerSshKey);
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page
      .locator('[data-engine-test]')
      .getByText(/refused the SSH login/)
      .waitFor({ timeout: 15_000 });
    await page.getByLabel('Identity file').fill(hosts.sshKey);
    await page.getByRole('button', { name: 'Test', exact: true }).click();
    await page
      .locator('[data-engine-test]')
      .getByText(/Answers: Docker 26/)
      .waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-host-key]').textContent()).toContain(hosts.h1.fingerprint);
    await page.getByRole('button', { name: 'Add engine' }).click();
    const row1 = page.locator('[data-engine="host-one"]');
    await row1.getByText('online').waitFor({ timeout: 20_000 });
    expect(await row1.textContent()).toContain(`host key ${hosts.h1.fingerprint}`);

    await page.getByLabel('Engine name').fill('Host two');
    await page.getByLabel('Engine address').fill(hosts.h2.tls);
    await page.getByLabel('TLS folder').fill(hosts.tlsDir);
    await page.getByRole('button', { name: 'Add engine' }).click();
    await page.locator('[data-engine="host-two"]').getByText('online').waitFor({ timeout: 20_000 });
    await screenshot(page, 'remote-engines');
  });

  it('migrate the number printer from Host one to Host two by clicking; its downtime is shown', async () => {
    const name = uniqueName('e2e-hosts');
    // An image only Host one has, so that it travels too.
    image = await on1.commitImage(
      tb.busyboxImage,
      `echo ${name} > /marker`,
      `cs-e2e-only-h1-${name.slice(-8)}`,
    );
    const c = await on1.run({ name, image, network: 'host', cmd: ['sh', '-c', COUNTER_SCRIPT] });
    await eventually(async () => (await counterValues(docker1, c.id)).length >= 3, 15_000, 'counting');
    await page.goto(`${app.origin}/#/container/host-one/${c.id}`);
    await page.locator('#container-title').getByText(name).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Migrate…', disabled: false }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByLabel('Target engine').selectOption('host-two');
    await dialog.locator('[data-migrate-ready]').waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Migrate', exact: true }).click();
    await dialog
      .locator('[data-migrate-status]')
      .getByText(`${name} runs on Host two.`)
      .waitFor({ timeout: 90_000 })
      .catch(async (e) => {
        await screenshot(page, 'debug-remote-migrate');
        throw e;
      });
    // Ours to remove from here on, whatever the checks below find.
    const moved = (await docker2.listContainers({ filters: { name: [name] } }))[0]!;
    on2.adopt(moved.Id);
    expect(await dialog.locator('tr[data-state="failed"]').count()).toBe(0);
    expect(await dialog.locator('tr[data-stage="image"]').getAttribute('data-state')).toBe('done');
    expect(await dialog.locator('[data-downtime]').textContent()).toMatch(/\d/);
    await screenshot(page, 'remote-migrate');
    const values = await eventually(
      async () => {
        const v = await counterValues(docker2, moved.Id);
        return v.length >= 2 ? v : undefined;
      },
      15_000,
      'counting on Host two',
    );
    expect(values[0]).toBeGreaterThanOrEqual(3);
    expect(pageErrors(page).filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
