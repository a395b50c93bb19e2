import { describe, expect, it } from 'vitest';
import { StudioError } from '../ipc/errors';
import { WorkLimiter } from './work-limiter';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('work limiter', () => {
  it('runs at most N at once, the rest in order, and refuses beyond the queue', async () => {
    const w = new WorkLimiter(2, 2, 'inspections');
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const job = (i: number) =>
      w.run(async () => {
        running++;
        most = Math.max(most, running);
        await tick();
        order.push(i);
        running--;
        return i;
      });
    const jobs = [job(1), job(2), job(3), job(4)];
    const refused = await job(5).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StudioError);
    expect((refused as StudioError).message).toBe('Too many inspections at once (2 run, 2 wait).');
    expect(await Promise.all(jobs)).toEqual([1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(w.peak).toBe(2);
    expect(order.slice(2).sort()).toEqual([3, 4]);
    // Free again afterwards, also after a failure.
    await expect(w.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await w.run(async () => 'ok')).toBe('ok');
  });
});
