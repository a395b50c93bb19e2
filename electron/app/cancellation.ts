// Long operations can be cancelled — by the UI's Cancel button or a Ctrl+C in the CLI — and a
// cancellation is a failure the user asked for: the operation undoes what it made, exactly as on
// any other failure, and says so. Operations register under their opId; checks sit between steps
// (an engine call under way is let finish, then undone).
import { StudioError } from '../ipc/errors';

export class Cancellation {
  private readonly running = new Map<string, AbortController>();
  /**
   * Cancels asked for before the operation registered (it was still checking, e.g. ports): it
   * starts cancelled. Bounded, and forgotten after a minute.
   */
  private readonly early = new Map<string, number>();
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
    if (opId && (this.early.get(opId) ?? 0) > Date.now()) controller.abort();
    if (opId) this.early.delete(opId);
    if (opId) this.running.set(opId, controller);
    return {
      signal: controller.signal,
      end: () => {
        this.everything.signal.removeEventListener('abort', onAll);
        if (opId && this.running.get(opId) === controller) this.running.delete(opId);
      },
    };
  }

  /** Asks one operation to stop — also one about to start under that id. */
  cancel(opId: string): boolean {
    const c = this.running.get(opId);
    if (c) {
      c.abort();
      return true;
    }
    if (this.early.size >= 100) this.early.delete(this.early.keys().next().value!);
    this.early.set(opId, Date.now() + 60_000);
    return true;
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
