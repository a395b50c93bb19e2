// The checkpoint inspector in Chromium: opened from the timeline, and from an uploaded archive.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Containers,
  COUNTER_SCRIPT,
  counterValues,
  dockerFor,
  eventually,
  execIn,
  testbed,
  uniqueName,
} from '../testbed/support';
import { closeSession, openTestbedSession, pageErrors, type RunningApp, screenshot } from './harness';

const tb = testbed();
const docker = dockerFor(tb.dockerHost);
const containers = new Containers(docker);
let app: RunningApp;
let browser: Browser;
let page: Page;
let tmp: string;

const cli = (...args: string[]) =>
  execFileSync(tb.dockerCli, args, { env: { ...process.env, DOCKER_HOST: tb.dockerHost } })
    .toString()
    .trim();

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-e2e-inspect-'));
  ({ app, browser, page } = await openTestbedSession(tb.dockerHost));
});

afterAll(async () => {
  await closeSession({ app, browser });
  await containers.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('inspector', () => {
  it('opens a checkpoint from the timeline: process tree, memory map, search, compare', async () => {
    const name = uniqueName('e2e-inspect');
    const c = await containers.run({ name, image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
    await eventually(async () => (await counterValues(docker, c.id)).length >= 2, 15_000, 'counting');
    cli('checkpoint', 'create', '--leave-running', name, 'first');
    await eventually(async () => (await counterValues(docker, c.id)).length >= 4, 15_000, 'counting on');
    cli('checkpoint', 'create', '--leave-running', name, 'second');

    await page.goto(`${app.origin}/#/container/testbed/${c.id}`);
    await page.locator('[data-checkpoint-row="first"]').click();
    await page.locator('[data-checkpoint-details="first"]').waitFor();
    await page.keyboard.press('i');
    await page.locator('#inspect-title').getByText(`${name}:first`).waitFor({ timeout: 20_000 });

    await page.getByRole('tab', { name: 'Processes' }).click();
    await page.locator('[data-process="sh"]').waitFor();
    await page.locator('[data-process="sh"] [data-process="sleep"]').waitFor();
    await expect(page.locator('[data-process="sh"] .proc').first().textContent()).resolves.toContain(
      '/bin/busybox',
    );
    const tree = await screenshot(page, 'inspector-process-tree');

    // Arrow keys move between tabs.
    await page.getByRole('tab', { name: 'Processes' }).press('ArrowRight');
    await page.locator('[data-memory-chart]').waitFor();
    expect(await page.locator('[data-memory-chart] .mem-row').count()).toBeGreaterThan(5);
    expect(await page.locator('[data-memory-chart] .mem-row[data-kind="stack"]').count()).toBeGreaterThan(0);
    const chart = await screenshot(page, 'inspector-memory-map');
    for (const f of [tree, chart]) expect(fs.statSync(f).size).toBeGreaterThan(10_000);

    await page.getByRole('tab', { name: 'Search memory' }).click();
    await page.getByLabel('Search for').fill('i=$((i+1))');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page
      .locator('[data-search-results]')
      .getByText(/[1-9]\d* hits? in/)
      .waitFor({ timeout: 20_000 });
    expect(await page.locator('.hexdump').first().textContent()).toMatch(/[0-9a-f]{12} {2}/);

    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByLabel('Compare with').selectOption('second');
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page
      .locator('[data-diff]')
      .getByText(/first.*→.*second|first → second/)
      .waitFor({ timeout: 20_000 });
    await screenshot(page, 'inspector-compare');
  });

  it('opens an uploaded Podman-style archive', async () => {
    const r = await containers.run({ image: tb.redisImage, network: tb.network, ports: [6379] });
    await eventually(
      async () => (await execIn(docker, r.id, ['redis-cli', 'ping'])) === 'PONG',
      15_000,
      'redis',
    );
    cli('checkpoint', 'create', '--leave-running', r.id, 'up');
    const info = await docker.info();
    const dir = path.join(info.DockerRootDir, 'containers', r.id, 'checkpoints', 'up');
    const root = path.join(tmp, 'export');
    fs.mkdirSync(path.join(root, 'checkpoint'), { recursive: true });
    for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(root, 'checkpoint', f));
    fs.writeFileSync(
      path.join(root, 'config.dump'),
      JSON.stringify({ name: 'redis-export', rootfsImageName: tb.redisImage }),
    );
    const archive = path.join(tmp, 'redis-export.tar.zst');
    execFileSync('tar', ['--zstd', '-cf', archive, '-C', root, '.']);

    await page.goto(`${app.origin}/#/containers`);
    await page.locator('[data-open-checkpoint]').setInputFiles(archive);
    await page.locator('#inspect-title').getByText('redis-export.tar.zst').waitFor({ timeout: 20_000 });
    await page.getByText('checkpoint archive (Podman’s layout)').first().waitFor();
    await page.getByRole('tab', { name: 'Files & sockets' }).click();
    await page.locator('[data-sockets]').getByText('0.0.0.0:6379').waitFor();
    await screenshot(page, 'inspector-uploaded-archive');
    expect(pageErrors(page).filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });
});
