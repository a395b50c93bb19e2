// Long operations can be cancelled — by the UI's Cancel button or a Ctrl+C in the CLI — and a
// cancellation is a failure the user asked for: the operation undoes what it made, exactly as on
// any other failure, and says so. Operations register under their opId; checks sit between steps
// (an engine call under way is let finish, then undone).
import { StudioError } from '../ipc/errors';

export class Cancellation {
  private readonly running = new Map<string, AbortController>();
  private readonly everything = new AbortController();

  /** Aborted by cancelAll: for work that has no opId of its own (inspections, searches). */
  get all(): AbortSignal {
    return this.everything.signal;
  }

  /** An operation starts: its signal, and `end` to call when it is over (however it ends). */
  begin(opId: string | undefined): { signal: AbortSignal; end(): void } {
    const controller = new AbortController();
    // Ctrl+C stops everything, including operations nobody can name.
    const onAll = () => controller.abort();
    if (this.everything.signal.aborted) controller.abort();
    else this.everything.signal.addEventListener('abort', onAll, { once: true });
    if (opId) this.running.set(opId, controller);
    return {
      signal: controller.signal,
      end: () => {
        this.everything.signal.removeEventListener('abort', onAll);
        if (opId && this.running.get(opId) === controller) this.running.delete(opId);
      },
    };
  }

  /** Asks one operation to stop; false when no such operation is running. */
  cancel(opId: string): boolean {
    const c = this.running.get(opId);
    c?.abort();
    return Boolean(c);
  }

  /** Asks every running operation to stop (Ctrl+C); how many there were. */
  cancelAll(): number {
    this.everything.abort();
    for (const c of this.running.values()) c.abort();
    return this.running.size;
  }
}

export function cancelled(what: string, undone: string): StudioError {
  return new StudioError('cancelled', `${what} was cancelled. ${undone}`);
}

/** Throws the cancellation at a step boundary, if one was asked for. */
export function checkCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new StudioError('cancelled', `${what} was cancelled.`);
}
