// Two machines added from the UI — one over SSH (its host key shown before it is trusted), one over
// TLS — and a running job moved from one to the other by clicking, its downtime shown.
import { describe, expect, it } from 'vitest';
import { countsOn, removeImage, runCounter, testbedFixture, testHosts, uniqueName } from '../testbed/support';
import { expectNoPageErrors, gotoContainer, migrated, screenshot, useTestbedSession } from './harness';

const hosts = testHosts();
const { tb, docker: docker1, containers: on1 } = testbedFixture(hosts.h1.sock);
const { docker: docker2, containers: on2 } = testbedFixture(hosts.h2.sock);
let image = '';
const s = useTestbedSession(tb.dockerHost, async () => {
  await on1.cleanup();
  await on2.cleanup();
  if (image) for (const d of [docker1, docker2]) await removeImage(d, image);
});

describe('remote hosts in the UI', () => {
  it('add a host over SSH (a stranger key refused, the host key shown) and one over TLS', async () => {
    await s.page.keyboard.press('Alt+3');
    await s.page.getByLabel('Engine name').fill('Host one');
    await s.page.getByLabel('Engine address').fill(hosts.h1.ssh);
    // ssh:// asks for an identity file instead of a TLS folder.
    await s.page.getByLabel('Identity file').fill(hosts.strangerSshKey);
    await s.page.getByRole('button', { name: 'Test', exact: true }).click();
    await s.page
      .locator('[data-engine-test]')
      .getByText(/refused the SSH login/)
      .waitFor({ timeout: 15_000 });
    await s.page.getByLabel('Identity file').fill(hosts.sshKey);
    await s.page.getByRole('button', { name: 'Test', exact: true }).click();
    await s.page
      .locator('[data-engine-test]')
      .getByText(/Answers: Docker 26/)
      .waitFor({ timeout: 15_000 });
    expect(await s.page.locator('[data-host-key]').textContent()).toContain(hosts.h1.fingerprint);
    await s.page.getByRole('button', { name: 'Add engine' }).click();
    const row1 = s.page.locator('[data-engine="host-one"]');
    await row1.getByText('online').waitFor({ timeout: 20_000 });
    expect(await row1.textContent()).toContain(`host key ${hosts.h1.fingerprint}`);

    await s.page.getByLabel('Engine name').fill('Host two');
    await s.page.getByLabel('Engine address').fill(hosts.h2.tls);
    await s.page.getByLabel('TLS folder').fill(hosts.tlsDir);
    await s.page.getByRole('button', { name: 'Add engine' }).click();
    await s.page.locator('[data-engine="host-two"]').getByText('online').waitFor({ timeout: 20_000 });
    await screenshot(s.page, 'remote-engines');
  });

  it('migrate the number printer from Host one to Host two by clicking; its downtime is shown', async () => {
    const name = uniqueName('e2e-hosts');
    // An image only Host one has, so that it travels too.
    image = await on1.commitImage(
      tb.busyboxImage,
      `echo ${name} > /marker`,
      `cs-e2e-only-h1-${name.slice(-8)}`,
    );
    const c = await runCounter(on1, 3, { name, image, network: 'host' });
    await gotoContainer(s, c.id, 'host-one');
    await s.page.locator('#container-title').getByText(name).waitFor({ timeout: 15_000 });
    await s.page.getByRole('button', { name: 'Migrate…', disabled: false }).click();
    const dialog = s.page.locator('dialog[open]');
    await dialog.getByLabel('Target engine').selectOption('host-two');
    await dialog.locator('[data-migrate-ready]').waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Migrate', exact: true }).click();
    await migrated(s.page, dialog, `${name} runs on Host two.`, 'debug-remote-migrate', 90_000);
    // Ours to remove from here on, whatever the checks below find.
    const moved = (await docker2.listContainers({ filters: { name: [name] } }))[0]!;
    on2.adopt(moved.Id);
    expect(await dialog.locator('tr[data-state="failed"]').count()).toBe(0);
    expect(await dialog.locator('tr[data-stage="image"]').getAttribute('data-state')).toBe('done');
    expect(await dialog.locator('[data-downtime]').textContent()).toMatch(/\d/);
    await screenshot(s.page, 'remote-migrate');
    const values = await countsOn(docker2, moved.Id, (v) => v.length >= 2, 'counting on Host two');
    expect(values[0]).toBeGreaterThanOrEqual(3);
    expectNoPageErrors(s.page);
  });
});
