// Today's engines in the UI: on Docker 28.5 + containerd 2.1 the doctor shows what the probe
// measured, and a restore or a clone the engine cannot do is refused before anything is touched,
// saying what works instead; on Podman 5.8, clones with no network answer on 127.0.0.1 because
// the app brings up the loopback the engine left down.
import { describe, expect, it } from 'vitest';
import {
  eventually,
  execIn,
  runCounter,
  testbedEngine,
  testbedFixture,
  uniqueName,
} from '../testbed/support';
import {
  checkpointFromUi,
  expectNoPageErrors,
  launchBrowser,
  openApp,
  openContainer,
  screenshot,
  shown,
  startApp,
  startCloneFromUi,
  useSession,
} from './harness';

const { tb, docker: d28, containers: onD28 } = testbedFixture(testbedEngine('d28'));
const { docker: p58, containers: onP58 } = testbedFixture(testbedEngine('p58'));
const s = useSession(
  async (s) => {
    s.app = await startApp([
      `d28:Docker 28=${testbedEngine('d28')}`,
      `p58:Podman 58=${testbedEngine('p58')}`,
    ]);
    s.browser = await launchBrowser();
    s.page = await openApp(s.browser, s.app);
    await shown(s.page, s.app, s.page.locator('.engine').getByText('Docker 28'), 'todays-engines-start');
  },
  async () => {
    for (const list of [onD28, onP58]) await list.cleanup({ clones: true });
  },
);

async function selectEngine(name: string) {
  await s.page.locator('.engine').getByText(name).click();
}

describe("today's engines in the UI", () => {
  it('the doctor shows what Docker 28 was measured to do, with the upstream issue', async () => {
    await selectEngine('Docker 28');
    await s.page.keyboard.press('Alt+2');
    const item = s.page.locator('[data-item="engine.can.restore.bridge"]');
    await shown(s.page, s.app, item, 'todays-engines-doctor');
    expect(await item.getAttribute('class')).toContain('doctor-blocking');
    expect(await item.textContent()).toContain('containerd/containerd#12141');
    expect(await item.textContent()).toContain('Works here on the host network.');
    await s.page
      .locator('[data-item="engine.reachable"]')
      .getByText(/containerd 2\.1/)
      .waitFor();
    await s.page.locator('[data-remeasure]').waitFor();
    await screenshot(s.page, 'doctor-docker28-measured');
  });

  it('Docker 28: restore and clone of a bridge container are refused; it keeps running', async () => {
    await selectEngine('Docker 28');
    const name = uniqueName('e2e-d28');
    const c = await runCounter(onD28, 3, { name, network: tb.network });
    await openContainer(s.page, name);
    await checkpointFromUi(s.page, 'keep', { leaveRunning: true });
    const startedAt = (await d28.getContainer(c.id).inspect()).State.StartedAt;

    await s.page.getByRole('button', { name: 'Restore', exact: true }).click();
    await s.page.getByRole('button', { name: 'Stop and restore' }).click();
    const status = s.page.locator('.op-status');
    await status.getByText(/fails on this engine/).waitFor({ timeout: 30_000 });
    expect(await status.textContent()).toMatch(/Nothing was stopped or created/);
    expect(await status.textContent()).toMatch(/containerd\/containerd#12141/);
    await screenshot(s.page, 'docker28-restore-refused');
    const state = (await d28.getContainer(c.id).inspect()).State;
    expect(state.Running).toBe(true);
    expect(state.StartedAt).toBe(startedAt);

    await s.page.getByRole('button', { name: 'Clone…' }).click();
    const dialog = s.page.locator('dialog[open]');
    await dialog
      .locator('[data-clone-problems]')
      .getByText(/fails on this engine/)
      .waitFor({ timeout: 20_000 });
    expect(await dialog.locator('[data-clone-problems]').textContent()).toMatch(/host network/);
    await expect(dialog.getByRole('button', { name: /^Clone/ }).isDisabled()).resolves.toBe(true);
    await screenshot(s.page, 'docker28-clone-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('Podman 5.8: clones with no network answer on 127.0.0.1', async () => {
    await selectEngine('Podman 58');
    const name = uniqueName('e2e-p58');
    const src = await onP58.run({ name, image: tb.redisImage });
    await eventually(
      async () => (await execIn(p58, src.id, ['redis-cli', 'ping'])) === 'PONG',
      20_000,
      'redis',
    );
    await execIn(p58, src.id, ['redis-cli', 'set', 'warm', 'yes']);
    await openContainer(s.page, name);
    await checkpointFromUi(s.page, 'warm', { leaveRunning: true });
    // Podman's export keeps CRIU's statistics: the downtime is CRIU's own count of the freeze, once read.
    await s.page
      .locator('[data-downtime]')
      .getByText(/^frozen \d+(\.\d+)? ms \(CRIU's own count\)$/)
      .waitFor({ timeout: 30_000 });

    const prefix = uniqueName('lo');
    const dialog = await startCloneFromUi(s.page, prefix, 2);
    await dialog.locator('[data-clone-status]').getByText('2 clones running.').waitFor({ timeout: 60_000 });
    await dialog.locator('[data-clone-loopback]').waitFor();
    await screenshot(s.page, 'podman58-clones-loopback');
    for (let i = 1; i <= 2; i++) {
      const info = await p58.getContainer(`${prefix}-${i}`).inspect();
      onP58.adopt(info.Id);
      expect(await execIn(p58, info.Id, ['redis-cli', '-h', '127.0.0.1', 'get', 'warm'])).toBe('yes');
    }
    await dialog.getByRole('button', { name: 'Close' }).click();
    expectNoPageErrors(s.page);
  });
});
