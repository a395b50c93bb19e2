// End-to-end harness: the real CLI serving browser mode against the private engine, and Debian's
// Chromium driven by playwright-core.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { testbedFixture } from '../testbed/support';

const ROOT = path.resolve(__dirname, '..');
export const ARTIFACTS = path.join(ROOT, 'artifacts', 'screenshots');

export interface RunningApp {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `checkpoint-studio serve` and waits for the URL it prints. */
export async function startApp(engines: string[], env: NodeJS.ProcessEnv = {}): Promise<RunningApp> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'main', 'cli', 'main.js'))) {
    throw new Error('the app is not built: npm test builds it (or run "npm run build")');
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-e2e-home-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin', 'checkpoint-studio.js'),
      'serve',
      '--verbose',
      ...engines.flatMap((e) => ['--engine', e]),
    ],
    {
      cwd: ROOT,
      // No DOCKER_HOST: the only engines are the ones the test names (plus the default, offline here).
      env: { ...process.env, DOCKER_HOST: '', CHECKPOINT_STUDIO_HOME: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 20 s:\n${out}`)), 20_000);
    const check = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`serve exited (${code}):\n${out}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token')!,
    dataDir,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function openApp(browser: Browser, app: RunningApp): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 820 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { errors?: string[] }).errors = errors;
  await page.goto(app.url);
  return page;
}

export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

/** The page logged no error but failed loads (and whatever else `ignored` matches). */
export function expectNoPageErrors(page: Page, ignored = /Failed to load resource/): void {
  expect(pageErrors(page).filter((e) => !ignored.test(e))).toEqual([]);
}

/** The whole page, or only `part` of it (a long page would shrink what matters to nothing). */
export async function screenshot(page: Page, name: string, part?: Locator): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  if (part) await part.screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Waits for the page to show something; on a timeout the failure carries a screenshot and the server's output. */
export async function shown(
  page: Page,
  app: RunningApp,
  what: Locator,
  name: string,
  timeout = 60_000,
): Promise<void> {
  try {
    await what.waitFor({ timeout });
  } catch (e) {
    const shot = await screenshot(page, `failed-${name}`).catch(() => 'none');
    throw new Error(
      `${(e as Error).message}\nscreenshot: ${shot}\npage errors: ${pageErrors(page).join(' | ')}\nserver output:\n${app.output().slice(-4000)}`,
    );
  }
}

/** Goes straight to a container's page by its address (on the engine with id `engine`). */
export async function gotoContainer(s: Session, id: string, engine = 'testbed'): Promise<void> {
  await s.page.goto(`${s.app.origin}/#/container/${engine}/${id}`);
}

/** The app's command line beside the running app, on its data folder and the engine `dockerHost`: its output. */
const CLI_TIMEOUT_MS = 5 * 60_000;

export function appCli(app: RunningApp, dockerHost: string): (...args: string[]) => string {
  const env = { ...process.env, DOCKER_HOST: dockerHost, CHECKPOINT_STUDIO_HOME: app.dataDir };
  return (...args) =>
    execFileSync(process.execPath, [path.join(ROOT, 'bin', 'checkpoint-studio.js'), ...args], {
      env,
      encoding: 'utf8',
      // A sync call blocks vitest's own timeout: a restore hung inside the engine (runc waiting on a
      // CRIU that had exited, seen once on Docker 20.10) kept one test 16 minutes.
      timeout: CLI_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
}

/**
 * Presses a dialog's shortcut once its button is enabled — the shortcut, like the button, waits for
 * the app to have seen the container running (its start event can come after its name is shown) —
 * and returns the dialog.
 */
export async function dialogByKey(page: Page, button: string, key: string): Promise<Locator> {
  await page.getByRole('button', { name: button, disabled: false }).waitFor();
  await page.keyboard.press(key);
  return page.locator('dialog[open]');
}

/** Opens a container's page from the list, by keyboard: the filter, then the first row. */
export async function openContainer(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Alt+1');
  const filter = page.getByPlaceholder('Filter');
  await filter.fill(name);
  await page.locator(`tr[data-name="${name}"]`).waitFor({ timeout: 20_000 });
  await filter.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('#container-title').getByText(name).waitFor();
}

/** The Checkpoint dialog, filled and confirmed; resolves once the checkpoint is saved. */
export async function checkpointFromUi(
  page: Page,
  name: string,
  opts: { leaveRunning: boolean },
): Promise<void> {
  await page.getByRole('button', { name: 'Checkpoint…', exact: true }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel(/Leave it running/).setChecked(opts.leaveRunning);
  await page.getByRole('button', { name: 'Checkpoint', exact: true }).click();
  await page
    .locator('.op-status')
    .getByText(new RegExp(`Checkpoint ${name} saved`))
    .waitFor({ timeout: 30_000 });
}

/** Opens the Clone dialog, fills it, waits for the plan to agree, and starts it; returns the dialog. */
export async function startCloneFromUi(page: Page, prefix: string, count: number): Promise<Locator> {
  await page.getByRole('button', { name: 'Clone…' }).click();
  const dialog = page.locator('dialog[open]');
  await dialog.getByLabel('Name prefix').fill(prefix);
  await dialog.getByLabel('How many').fill(String(count));
  const last = count === 1 ? `${prefix}-1` : `${prefix}-1 … ${prefix}-${count}`;
  await dialog.locator('[data-clone-names]').getByText(last).waitFor({ timeout: 15_000 });
  await dialog.getByRole('button', { name: `Clone ${count}` }).click();
  return dialog;
}

export interface Session {
  app: RunningApp;
  browser: Browser;
  page: Page;
}

/** The app serving one engine as "Test bed", Chromium, and a page signed in with the engine shown. */
export async function openTestbedSession(host: string): Promise<Session> {
  const app = await startApp([`testbed:Test bed=${host}`]);
  const browser = await launchBrowser();
  const page = await openApp(browser, app);
  await page.locator('.engine.selected').getByText('Test bed').waitFor();
  return { app, browser, page };
}

/** Closes what a session opened, whatever of it got opened. */
export async function closeSession(s: Partial<Session>): Promise<void> {
  await s.browser?.close();
  await s.app?.stop();
}

/**
 * A session for the file's tests: `open` fills it in before them (field by field, so that what it
 * opened is closed even if a later step fails), and after them it is closed and `cleanup` runs.
 */
export function useSession(
  open: (s: Session) => Promise<unknown>,
  cleanup?: () => Promise<unknown>,
): Session {
  const s = {} as Session;
  beforeAll(() => open(s));
  afterAll(async () => {
    await closeSession(s);
    await cleanup?.();
  });
  return s;
}

/** useSession with the app serving one engine as "Test bed" (openTestbedSession). */
export function useTestbedSession(host: string, cleanup?: () => Promise<unknown>): Session {
  return useSession(async (s) => Object.assign(s, await openTestbedSession(host)), cleanup);
}

/**
 * The test bed's engine, the containers a file makes on it, and a session on it; after the file,
 * those containers go (and, with `clones`, every clone the app left there).
 */
export function useTestbedWithSession({ clones = false } = {}): ReturnType<typeof testbedFixture> & {
  s: Session;
} {
  const fixture = testbedFixture();
  const s = useTestbedSession(fixture.tb.dockerHost, () => fixture.containers.cleanup({ clones }));
  return { ...fixture, s };
}

/** A temporary folder for the file's tests, removed after them; its path from the first test on. */
export function useTempDir(prefix: string): { path: string } {
  const dir = { path: '' };
  beforeAll(() => {
    dir.path = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(() => fs.rmSync(dir.path, { recursive: true, force: true }));
  return dir;
}

/** Waits for a migration dialog to say `done`; a screenshot named `name` is taken if it never does. */
export async function migrated(page: Page, dialog: Locator, done: string, name: string, timeout: number) {
  await dialog
    .locator('[data-migrate-status]')
    .getByText(done)
    .waitFor({ timeout })
    .catch(async (e) => {
      await screenshot(page, name);
      throw e;
    });
}
