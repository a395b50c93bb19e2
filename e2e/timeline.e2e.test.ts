// The timeline at scale, in Chromium against the test bed: 200 checkpoints of one container made
// with the one-click key, then read as a person would — no two labels overlap (their boxes are
// measured), crowded stretches are clusters with counts, time ticks fit; zoom and pan by keyboard,
// wheel and the overview strip; a cluster clicked opens up; arrows move between checkpoints.
import { describe, expect, it } from 'vitest';
import { COUNTER, eventually, uniqueName } from '../testbed/support';
import { expectNoPageErrors, gotoContainer, screenshot, useTestbedWithSession } from './harness';

const { tb, containers, s } = useTestbedWithSession();
// Fewer while working on it: TIMELINE_CHECKPOINTS=20.
const COUNT = Number(process.env.TIMELINE_CHECKPOINTS ?? 200);

type Box = { x: number; y: number; width: number; height: number; text: string };

/** The boxes of every shown label, as the browser laid them out. */
async function labelBoxes(selector: string): Promise<Box[]> {
  return s.page.locator(selector).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height, text: e.textContent ?? '' };
    }),
  );
}

function overlaps(boxes: Box[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
        out.push([a.text, b.text]);
    }
  return out;
}

async function shownCount(): Promise<number> {
  const singles = await s.page.locator('.timeline [data-marker]').count();
  const clustered = await s.page
    .locator('.timeline [data-cluster]')
    .evaluateAll((els) => els.reduce((n, e) => n + Number(e.getAttribute('data-cluster')), 0));
  return singles + clustered;
}

describe('the timeline', () => {
  it(`stays readable with ${COUNT} checkpoints: no overlapping labels, clusters, ticks, zoom and pan`, async () => {
    const c = await containers.run({
      name: uniqueName('many'),
      image: tb.busyboxImage,
      cmd: COUNTER,
    });
    await gotoContainer(s, c.id);
    await s.page.locator('[data-checkpoint-now]').waitFor();
    const rows = s.page.locator('[data-checkpoint-row]');
    // One key press each, as a user would: the next only once the last is saved.
    for (let i = 1; i <= COUNT; i++) {
      await s.page.locator('[data-checkpoint-now]:not([disabled])').waitFor({ timeout: 30_000 });
      await s.page.keyboard.press('c');
      await rows.nth(i - 1).waitFor({ timeout: 30_000 });
    }
    await eventually(async () => (await shownCount()) === COUNT, 15_000, `all ${COUNT} on the timeline`);

    // The whole history: crowded stretches are clusters, and nothing overlaps.
    if (COUNT >= 100) expect(await s.page.locator('.timeline [data-cluster]').count()).toBeGreaterThan(0);
    const labels = await labelBoxes('.timeline .marker-label');
    expect(labels.length).toBeGreaterThan(0);
    expect(overlaps(labels)).toEqual([]);
    const ticks = await labelBoxes('.timeline-time text');
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(overlaps(ticks)).toEqual([]);
    expect(overlaps(await labelBoxes('.timeline .marker-size'))).toEqual([]);
    await screenshot(s.page, 'timeline-200', s.page.locator('figure.timeline'));

    // Zoom in by keyboard around the selected (the newest): fewer shown, more of them apart.
    const fig = s.page.locator('figure.timeline');
    await s.page.locator('.timeline [data-holds-selected]').focus();
    for (let i = 0; i < 5; i++) await s.page.keyboard.press('+');
    await expect(fig.getAttribute('data-zoomed')).resolves.toBe('yes');
    const zoomedIn = await shownCount();
    expect(zoomedIn).toBeLessThan(COUNT);
    expect(await s.page.locator('.timeline [data-marker]').count()).toBeGreaterThan(0);
    expect(overlaps(await labelBoxes('.timeline .marker-label'))).toEqual([]);
    await screenshot(s.page, 'timeline-zoomed', s.page.locator('figure.timeline'));

    // Left moves to the checkpoint before; the details follow.
    const names = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-checkpoint-row')));
    await s.page.locator('.timeline [data-holds-selected]').focus();
    await s.page.keyboard.press('ArrowLeft');
    const before = [...names].sort().at(-2)!;
    await eventually(
      async () => (await s.page.locator(`[data-checkpoint-row="${before}"].active`).count()) === 1,
      5_000,
      'the one before selected',
    );

    // Shift+Left pans back in time; 0 shows everything again.
    const windowBox = async () => s.page.locator('[data-overview-window]').boundingBox();
    const x0 = (await windowBox())!.x;
    await s.page.keyboard.press('Shift+ArrowLeft');
    await eventually(async () => (await windowBox())!.x < x0, 5_000, 'panned');
    await s.page.keyboard.press('0');
    await expect(fig.getAttribute('data-zoomed')).resolves.toBe('no');

    // A cluster clicked opens up; the wheel zooms back out.
    const cluster = s.page.locator('.timeline [data-cluster]').first();
    const inCluster = Number(await cluster.getAttribute('data-cluster'));
    await cluster.locator('.cluster-pill').click();
    await expect(fig.getAttribute('data-zoomed')).resolves.toBe('yes');
    expect(await s.page.locator('.timeline [data-marker]').count()).toBeGreaterThan(0);
    expect(overlaps(await labelBoxes('.timeline .marker-label'))).toEqual([]);
    expect(inCluster).toBeGreaterThan(1);
    const svg = s.page.locator('figure.timeline > svg').first();
    await svg.hover();
    for (let i = 0; i < 30; i++) await s.page.mouse.wheel(0, 400);
    await eventually(async () => (await shownCount()) === COUNT, 5_000, 'zoomed out to all');

    // The overview strip: a drag chooses the stretch shown.
    const strip = (await s.page.locator('.timeline-overview').boundingBox())!;
    await s.page.mouse.move(strip.x + strip.width * 0.4, strip.y + strip.height / 2);
    await s.page.mouse.down();
    await s.page.mouse.move(strip.x + strip.width * 0.6, strip.y + strip.height / 2, { steps: 5 });
    await s.page.mouse.up();
    await expect(fig.getAttribute('data-zoomed')).resolves.toBe('yes');
    expect(await shownCount()).toBeLessThan(COUNT);
    expectNoPageErrors(s.page);
    // 200 real checkpoints, one after another: about three minutes on a busy machine.
  }, 600_000);
});
