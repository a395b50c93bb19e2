// Who made something the app may have to clean up after (a helper container, a journal line):
// this machine, this boot, this process. The boot matters: after a reboot an unrelated process
// may have the old pid, and what a dead process left must not look alive.
import fs from 'node:fs';
import os from 'node:os';

let bootId: string | null = null;
function currentBoot(): string {
  if (bootId === null) {
    try {
      bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().slice(0, 8);
    } catch {
      bootId = 'unknown';
    }
  }
  return bootId;
}

/** host:boot:pid of this process (or of `pid`, in tests). */
export function ownerHere(pid = process.pid): string {
  return `${os.hostname()}:${currentBoot()}:${pid}`;
}

export type OwnerState = 'this-process' | 'alive' | 'gone' | 'elsewhere';

/** What became of the process an owner string names; "host:pid" (older labels) is read too. */
export function ownerState(owner: string): OwnerState {
  const parts = owner.split(':');
  const pid = Number(parts.at(-1));
  const host = parts.length >= 3 ? parts.slice(0, -2).join(':') : parts[0];
  const boot = parts.length >= 3 ? parts.at(-2) : null;
  if (host !== os.hostname()) return 'elsewhere';
  if (boot !== null && boot !== currentBoot()) return 'gone';
  if (!Number.isInteger(pid)) return 'elsewhere';
  if (pid === process.pid) return 'this-process';
  try {
    process.kill(pid, 0);
    return 'alive';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'gone';
  }
}
