// Browser mode in Chromium against the private engine: the live list, the doctor, and the gate.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { COUNTER, testbedFixture, uniqueName } from '../testbed/support';
import { expectNoPageErrors, launchBrowser, openApp, screenshot, startApp, useSession } from './harness';

const { tb, containers } = testbedFixture();
let counterName: string;
const s = useSession(
  async (s) => {
    counterName = uniqueName('e2e-counter');
    await containers.run({ name: counterName, image: tb.busyboxImage, cmd: COUNTER });
    s.app = await startApp([`testbed:Test bed=${tb.dockerHost}`]);
    s.browser = await launchBrowser();
    s.page = await openApp(s.browser, s.app);
  },
  () => containers.cleanup(),
);

describe('browser mode, end to end', () => {
  it('gives nothing without a session; the link worked once and left the address bar', async () => {
    const shell = await fetch(s.app.origin + '/');
    expect(shell.status).toBe(200);
    expect(await shell.text()).not.toContain('cs-session');
    const call = await fetch(s.app.origin + '/api/call/engines.list', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(call.status).toBe(401);
    expect((await fetch(s.app.origin + '/?token=not-the-token', { redirect: 'manual' })).status).toBe(401);
    // openApp opened the printed link: it is spent, and the page no longer shows it.
    expect((await fetch(s.app.url, { redirect: 'manual' })).status).toBe(401);
    await s.page.locator('.engine.selected').waitFor();
    expect(s.page.url()).toBe(`${s.app.origin}/`);
    expect(await s.page.evaluate('document.cookie')).toBe('');
  });

  it('lists the running busybox container, live', async () => {
    const row = s.page.locator(`tr[data-name="${counterName}"]`);
    await row.waitFor({ timeout: 15_000 });
    await expect(row.locator('.badge').textContent()).resolves.toBe('Up');
    await expect(row.textContent()).resolves.toContain(tb.busyboxImage);
    // The test bed engine is selected and online.
    await expect(s.page.locator('.engine.selected .engine-name').textContent()).resolves.toBe('Test bed');

    // A container started now appears without a reload, and its stop shows too.
    const lateName = uniqueName('e2e-late');
    const late = await containers.run({ name: lateName, image: tb.busyboxImage, cmd: ['sleep', '600'] });
    const lateRow = s.page.locator(`tr[data-name="${lateName}"]`);
    await lateRow.waitFor({ timeout: 10_000 });
    await containers.docker.getContainer(late.id).stop({ t: 0 });
    await s.page.locator(`tr[data-name="${lateName}"] .badge-exited`).waitFor({ timeout: 10_000 });

    // Keyboard: "/" focuses the filter, typing narrows the list.
    await s.page.keyboard.press('/');
    await s.page.keyboard.type(counterName);
    await expect(s.page.locator('tbody tr').count()).resolves.toBe(1);
    await s.page.keyboard.press('Escape');
    await row.waitFor();
    const file = await screenshot(s.page, 'foundation-container-list');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  });

  it('shows the CRIU line on the doctor page', async () => {
    await s.page.keyboard.press('Alt+2');
    const criu = s.page.locator('[data-item="criu.version"]');
    await criu.waitFor({ timeout: 30_000 });
    await expect(criu.textContent()).resolves.toMatch(/CRIU 4\.2\.\d+/);
    await s.page.locator('[data-item="criu.check"]').getByText('Looks good.').waitFor();
    await expect(s.page.locator('[data-item="kernel.soft_dirty"].doctor-warning').count()).resolves.toBe(1);
    const file = await screenshot(s.page, 'foundation-doctor');
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  });

  it("finds containerd's restore leftovers in /tmp and removes them from the doctor page", async () => {
    // A leftover as containerd names them, quiet for 20 minutes (the engine's own are shown to leak
    // in leaked-restores.int.test.ts; this one is the test's, so its removal can be checked).
    const leftover = `/tmp/ctrd-checkpoint9${Date.now()}`;
    fs.mkdirSync(leftover);
    fs.writeFileSync(`${leftover}/pages-1.img`, Buffer.alloc(64 * 1024));
    const old = (Date.now() - 20 * 60_000) / 1000;
    fs.utimesSync(leftover, old, old);
    try {
      await s.page.keyboard.press('Alt+2');
      await s.page.getByRole('button', { name: 'Check again' }).click();
      const item = s.page.locator('[data-item="engine.leaked-restores"].doctor-warning');
      await item.waitFor({ timeout: 30_000 });
      await expect(item.textContent()).resolves.toMatch(/containerd left \d+ copies/);
      await screenshot(s.page, 'doctor-leftovers');
      await item.locator('[data-clean-leftovers]').click();
      await s.page.locator('[data-cleaned]').waitFor({ timeout: 30_000 });
      await expect(s.page.locator('[data-cleaned]').textContent()).resolves.toMatch(/^Removed [1-9]\d* /);
      expect(fs.existsSync(leftover)).toBe(false);
      await s.page.locator('[data-item="engine.leaked-restores"].doctor-ok').waitFor({ timeout: 30_000 });
    } finally {
      fs.rmSync(leftover, { recursive: true, force: true });
    }
  });

  it('a page on another local port can neither crash the server, nor borrow its session, nor lock it out', async () => {
    // The attacker: an ordinary page served from another port of 127.0.0.1 (the same site, for
    // cookies), opened in the same browser as the user's signed-in tab.
    const studio = s.app.origin;
    const attacker = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>attacker</title><body>
        <img src="${studio}//"><img src="${studio}//evil.example/x">
        <script>
          document.cookie = 'cs_session=tossed; path=/api';
          document.cookie = 'cs_session=tossed; path=/';
          const hits = [];
          fetch('${studio}/api/call/%E0%A4%A', { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{}' }).catch(() => {});
          fetch('${studio}/api/call/engines.list', { method: 'POST', credentials: 'include',
            headers: { 'content-type': 'application/json' }, body: '{}' })
            .then((r) => r.text()).then((t) => hits.push(t), (e) => hits.push('blocked: ' + e));
          const ws = new WebSocket('${studio.replace('http', 'ws')}/api/events');
          ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', session: 'guess' }));
          ws.onmessage = (m) => hits.push('ws: ' + m.data);
          ws.onclose = (e) => hits.push('ws closed ' + e.code);
          window.result = () => ({ hits, cookies: document.cookie, storage: JSON.stringify(sessionStorage) });
        </script></body>`);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    const evil = await s.browser.newPage();
    try {
      await evil.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      await evil.waitForFunction('window.result().hits.length >= 2', null, { timeout: 15_000 });
      const seen = (await evil.evaluate('window.result()')) as {
        hits: string[];
        cookies: string;
        storage: string;
      };
      // No answer with data, no event; the WebSocket was closed on it; nothing of the studio's
      // to find in its cookies or storage.
      expect(seen.hits.join('\n')).not.toMatch(/"ok":true|ws: \{"type":"(ready|event)"/);
      // Refused at the upgrade (a foreign Origin): closed before any hello could count.
      expect(seen.hits.join('\n')).toMatch(/ws closed (1006|4401)/);
      expect(seen.cookies).not.toMatch(/[A-Za-z0-9_-]{40,}/);
      expect(seen.storage).toBe('{}');
    } finally {
      await evil.close();
      attacker.close();
    }
    // The server is alive, and the user's tab — tossed cookies and all — still works.
    await s.page.keyboard.press('Alt+1');
    await s.page.reload();
    const row = s.page.locator(`tr[data-name="${counterName}"]`);
    await row.waitFor({ timeout: 15_000 });
    // In the page: its own session, from its own storage, still opens the API.
    const res = await s.page.evaluate(`fetch('/api/call/engines.list', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-studio-session': sessionStorage.getItem('cs-session') },
      body: '{}',
    }).then((r) => r.status)`);
    expect(res).toBe(200);
  });

  it('"New tab" signs in a second tab with a fresh one-time link', async () => {
    const [second] = await Promise.all([
      s.page.context().waitForEvent('page'),
      s.page.locator('[data-new-tab]').click(),
    ]);
    await second.locator('.engine.selected').waitFor({ timeout: 15_000 });
    expect(second.url()).toBe(`${s.app.origin}/`);
    await second.close();
  });

  it('logged nothing with the token, and the page had no errors', () => {
    expect(s.app.output()).toContain('POST /api/call/containers.list 200');
    expect(s.app.output().split(s.app.url).length - 1).toBe(1); // printed once, as the URL to open
    expect(s.app.output().replace(s.app.url, '')).not.toContain(s.app.token);
    expectNoPageErrors(s.page, /401|Failed to load resource/);
  });
});
