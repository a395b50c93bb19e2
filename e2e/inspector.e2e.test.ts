// The checkpoint inspector in Chromium: opened from the timeline, and from an uploaded archive.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { counted, dockerCli, redisUp, runCounter, uniqueName } from '../testbed/support';
import { expectNoPageErrors, gotoContainer, screenshot, useTempDir, useTestbedWithSession } from './harness';

const { tb, docker, containers, s } = useTestbedWithSession();
const tmp = useTempDir('cs-e2e-inspect-');
const cli = (...args: string[]) => dockerCli(args);

describe('inspector', () => {
  it('opens a checkpoint from the timeline: process tree, memory map, search, compare', async () => {
    const name = uniqueName('e2e-inspect');
    const c = await runCounter(containers, 2, { name });
    cli('checkpoint', 'create', '--leave-running', name, 'first');
    await counted(docker, c.id, 4, 'counting on');
    cli('checkpoint', 'create', '--leave-running', name, 'second');

    await gotoContainer(s, c.id);
    await s.page.locator('[data-checkpoint-row="first"]').click();
    await s.page.locator('[data-checkpoint-details="first"]').waitFor();
    await s.page.keyboard.press('i');
    await s.page.locator('#inspect-title').getByText(`${name}:first`).waitFor({ timeout: 20_000 });

    await s.page.getByRole('tab', { name: 'Processes' }).click();
    await s.page.locator('[data-process="sh"]').waitFor();
    await s.page.locator('[data-process="sh"] [data-process="sleep"]').waitFor();
    await expect(s.page.locator('[data-process="sh"] .proc').first().textContent()).resolves.toContain(
      '/bin/busybox',
    );
    const tree = await screenshot(s.page, 'inspector-process-tree');

    // Arrow keys move between tabs.
    await s.page.getByRole('tab', { name: 'Processes' }).press('ArrowRight');
    await s.page.locator('[data-memory-chart]').waitFor();
    expect(await s.page.locator('[data-memory-chart] .mem-row').count()).toBeGreaterThan(5);
    expect(await s.page.locator('[data-memory-chart] .mem-row[data-kind="stack"]').count()).toBeGreaterThan(
      0,
    );
    const chart = await screenshot(s.page, 'inspector-memory-map');
    for (const f of [tree, chart]) expect(fs.statSync(f).size).toBeGreaterThan(10_000);

    await s.page.getByRole('tab', { name: 'Search memory' }).click();
    await s.page.getByLabel('Search for').fill('i=$((i+1))');
    await s.page.getByRole('button', { name: 'Search', exact: true }).click();
    await s.page
      .locator('[data-search-results]')
      .getByText(/[1-9]\d* hits? in/)
      .waitFor({ timeout: 20_000 });
    expect(await s.page.locator('.hexdump').first().textContent()).toMatch(/[0-9a-f]{12} {2}/);

    await s.page.getByRole('tab', { name: 'Compare' }).click();
    await s.page.getByLabel('Compare with').selectOption('second');
    await s.page.getByRole('button', { name: 'Compare', exact: true }).click();
    await s.page
      .locator('[data-diff]')
      .getByText(/first.*→.*second|first → second/)
      .waitFor({ timeout: 20_000 });
    await screenshot(s.page, 'inspector-compare');
  });

  it('opens an uploaded Podman-style archive', async () => {
    const r = await containers.run({ image: tb.redisImage, network: tb.network, ports: [6379] });
    await redisUp(docker, r.id);
    cli('checkpoint', 'create', '--leave-running', r.id, 'up');
    const info = await docker.info();
    const dir = path.join(info.DockerRootDir, 'containers', r.id, 'checkpoints', 'up');
    const root = path.join(tmp.path, 'export');
    fs.mkdirSync(path.join(root, 'checkpoint'), { recursive: true });
    for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(root, 'checkpoint', f));
    fs.writeFileSync(
      path.join(root, 'config.dump'),
      JSON.stringify({ name: 'redis-export', rootfsImageName: tb.redisImage }),
    );
    const archive = path.join(tmp.path, 'redis-export.tar.zst');
    execFileSync('tar', ['--zstd', '-cf', archive, '-C', root, '.']);

    await s.page.goto(`${s.app.origin}/#/containers`);
    await s.page.locator('[data-open-checkpoint]').setInputFiles(archive);
    await s.page.locator('#inspect-title').getByText('redis-export.tar.zst').waitFor({ timeout: 20_000 });
    await s.page.getByText('checkpoint archive (Podman’s layout)').first().waitFor();
    await s.page.getByRole('tab', { name: 'Files & sockets' }).click();
    await s.page.locator('[data-sockets]').getByText('0.0.0.0:6379').waitFor();
    await screenshot(s.page, 'inspector-uploaded-archive');
    expectNoPageErrors(s.page);
  });
});
