// Checkpoints as files, in Chromium against the test bed: a checkpoint exported as a download, the
// container removed, the archive dropped on the window (it opens in the inspector) and imported as
// two containers that go on counting from where it stopped.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { counterValues, countsOn, dockerCli, removeImage, runCounter, uniqueName } from '../testbed/support';
import { expectNoPageErrors, gotoContainer, screenshot, useTempDir, useTestbedWithSession } from './harness';

const { docker, containers, s } = useTestbedWithSession();
const tmp = useTempDir('cs-e2e-portable-');

/** The container's page with one of its checkpoints picked (one made outside the app is seen within 30 s). */
async function pickCheckpoint(id: string, checkpoint: string): Promise<void> {
  await gotoContainer(s, id);
  const row = s.page.locator(`[data-checkpoint-row="${checkpoint}"]`);
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

/** A container the app made from a checkpoint, ours to remove, once it counts past `last`: its numbers. */
async function countingOnFrom(name: string, last: number): Promise<number[]> {
  const made = await docker.getContainer(name).inspect();
  containers.adopt(made.Id);
  return countsOn(docker, made.Id, (v) => v.some((x) => x > last), `${name} counting on`);
}

describe('checkpoints as files', () => {
  it('exports a checkpoint as a download, and imports it, dropped on the window, as two containers that count on', async () => {
    const name = uniqueName('e2e-export');
    const c = await runCounter(containers, 3, { name });

    // Left running, it counts on after the checkpoint: what it had printed before is the floor.
    const last = (await counterValues(docker, c.id)).at(-1)!;
    dockerCli(['checkpoint', 'create', '--leave-running', c.id, 'first']);
    await pickCheckpoint(c.id, 'first');
    await s.page.getByRole('button', { name: 'Export…' }).click();
    const dialog = s.page.getByRole('dialog', { name: 'Export checkpoint' });
    await dialog.getByLabel('Compression').selectOption('zstd');
    await screenshot(s.page, 'export-dialog');
    const [download] = await Promise.all([
      s.page.waitForEvent('download', { timeout: 60_000 }),
      dialog.getByRole('button', { name: 'Export', exact: true }).click(),
    ]);
    const file = path.join(tmp.path, download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${name}-.*\\.tar\\.zst$`));
    expect(fs.readFileSync(file).subarray(0, 4).readUInt32LE(0)).toBe(0xfd2fb528);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Only the file is left.
    await docker.getContainer(c.id).remove({ force: true });
    await s.page.goto(`${s.app.origin}/#/containers`);
    // Dropped on the window, as a user drags it from their file manager.
    const b64 = JSON.stringify(fs.readFileSync(file).toString('base64'));
    const dropped = await s.page.evaluateHandle(
      // Run in the page (whose DOM this file's types do not know): a DataTransfer holding the file.
      `(() => {
        const bytes = Uint8Array.from(atob(${b64}), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], ${JSON.stringify(download.suggestedFilename())}, { type: 'application/zstd' }));
        return dt;
      })()`,
    );
    await s.page.dispatchEvent('body', 'dragover', { dataTransfer: dropped });
    await s.page.dispatchEvent('body', 'drop', { dataTransfer: dropped });
    await s.page
      .locator('#inspect-title')
      .getByText(download.suggestedFilename())
      .waitFor({ timeout: 20_000 });
    const panel = s.page.locator('[data-import-panel]');
    const base = uniqueName('e2e-imported');
    await panel.getByLabel('Name').fill(base);
    await panel.getByLabel('Count').fill('2');
    await panel.getByRole('button', { name: 'Import', exact: true }).click();
    await panel.locator('[data-import-results]').waitFor({ timeout: 60_000 });
    for (const n of [`${base}-1`, `${base}-2`]) {
      await panel.locator(`[data-import="${n}"][data-state="running"]`).waitFor();
      const values = await countingOnFrom(n, last);
      // Restored, not started again: it never counted from 0 (its log begins after the checkpoint).
      expect(values.includes(0)).toBe(false);
      expect(values[0]).toBeGreaterThanOrEqual(last);
    }
    await expect(panel.locator('[data-import-origin]').textContent()).resolves.toContain(name);
    await screenshot(s.page, 'import-result');
    expectNoPageErrors(s.page);
  });

  it('saves a checkpoint as an image, lists it, inspects it and restores it as two containers that count on', async () => {
    const name = uniqueName('e2e-image');
    const c = await runCounter(containers, 3, { name });
    const last = (await counterValues(docker, c.id)).at(-1)!;
    dockerCli(['checkpoint', 'create', '--leave-running', c.id, 'warm']);
    const image = `checkpoints/${name.toLowerCase()}:warm`;
    try {
      await pickCheckpoint(c.id, 'warm');
      await s.page.getByRole('button', { name: 'Save as image…' }).click();
      const dialog = s.page.getByRole('dialog', { name: 'Save as image' });
      await expect(dialog.getByLabel('Image name').inputValue()).resolves.toBe(image);
      await dialog.getByRole('button', { name: 'Save', exact: true }).click();
      await dialog.locator('[data-image-done]').waitFor({ timeout: 60_000 });
      await dialog.getByRole('button', { name: 'Show images' }).click();

      const listed = s.page.locator(`[data-image="${image}"]`);
      await listed.waitFor({ timeout: 20_000 });
      await expect(listed.textContent()).resolves.toContain(name);
      await screenshot(s.page, 'checkpoint-images');

      await listed.getByRole('button', { name: 'Inspect' }).click();
      await s.page.locator('#inspect-title').getByText(image).waitFor({ timeout: 30_000 });
      await s.page.goBack();

      await s.page.locator(`[data-image="${image}"]`).getByRole('button', { name: 'Restore…' }).click();
      const restore = s.page.getByRole('dialog', { name: `Restore ${image}` });
      const base = uniqueName('e2e-from-image');
      await restore.getByLabel('Name').fill(base);
      await restore.getByLabel('How many').fill('2');
      await restore.getByRole('button', { name: 'Restore 2 containers' }).click();
      const result = s.page.locator('[data-image-result]');
      await result.locator('[data-import-results]').waitFor({ timeout: 60_000 });
      for (const n of [`${base}-1`, `${base}-2`]) {
        await result.locator(`[data-import="${n}"][data-state="running"]`).waitFor();
        const values = await countingOnFrom(n, last);
        expect(values.includes(0)).toBe(false);
      }
      await screenshot(s.page, 'image-restored');
      expectNoPageErrors(s.page);
    } finally {
      await removeImage(docker, image);
    }
  });
});
