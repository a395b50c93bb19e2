// Work that can hold a lot of memory (decoding a checkpoint's metadata, searching its pages) runs
// a few at a time per app, not per call: each call is bounded, so the app is too. More callers
// wait their turn; beyond a short queue they are told to come back, rather than pile up.
import { StudioError } from '../ipc/errors';

export class WorkLimiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** The most that ever ran at once (for tests and diagnostics). */
  peak = 0;

  constructor(
    private readonly slots: number,
    private readonly maxWaiting: number,
    private readonly what: string,
  ) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.slots) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new StudioError(
          'conflict',
          `Too many ${this.what} at once (${this.slots} run, ${this.maxWaiting} wait).`,
          {
            hint: 'Wait for the ones under way to finish, then try again.',
          },
        );
      }
      // The slot is handed over by the one that finishes: nobody can slip in between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    this.peak = Math.max(this.peak, this.active);
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
