// What the user chose last time in the Checkpoint dialog, so one click does it again. Kept in the
// page's own storage: nothing of it matters to the main process.
const KEY = 'checkpoint-studio.leave-running';

/** Leave the container running after a checkpoint? Until the user says otherwise: yes — one click
 * must never stop a service the user did not ask to stop. */
export function lastLeaveRunning(): boolean {
  try {
    return localStorage.getItem(KEY) !== 'false';
  } catch {
    return true;
  }
}

export function rememberLeaveRunning(v: boolean): void {
  try {
    localStorage.setItem(KEY, String(v));
  } catch {
    // Storage refused (private mode): the default stays.
  }
}
