// How long a container was actually frozen during a checkpoint, seen from outside: its freezer
// cgroup, read every millisecond while the checkpoint runs. Docker discards CRIU's statistics, so
// this is the only measure of its downtime that does not take the app's word (or the engine's).
// runc freezes the container's cgroup for CRIU; cgroup v1's freezer.state and v2's cgroup.events
// both say so.
import fs from 'node:fs';

export interface FreezeWatch {
  /** Stops watching; ms from the first frozen reading to the last (null if never seen frozen). */
  stop(): number | null;
}

function stateFile(pid: number): { file: string; frozen: (text: string) => boolean } | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n');
  } catch {
    return null;
  }
  const v1 = lines.find((l) => /^\d+:freezer:/.test(l));
  if (v1) {
    return {
      file: `/sys/fs/cgroup/freezer${v1.split(':')[2]}/freezer.state`,
      frozen: (t) => !t.startsWith('THAWED'),
    };
  }
  const v2 = lines.find((l) => l.startsWith('0::'));
  if (v2) return { file: `/sys/fs/cgroup${v2.slice(3)}/cgroup.events`, frozen: (t) => /frozen 1/.test(t) };
  return null;
}

/** Watches the cgroup of the container whose first process is `pid` (a local engine's). */
export function watchFreeze(pid: number): FreezeWatch {
  const where = pid > 0 ? stateFile(pid) : null;
  if (!where) return { stop: () => null };
  let first: number | null = null;
  let last: number | null = null;
  const read = () => {
    try {
      if (where.frozen(fs.readFileSync(where.file, 'utf8'))) {
        const now = performance.now();
        first ??= now;
        last = now;
      }
    } catch {
      // The cgroup goes when a checkpoint stops the container.
    }
  };
  const timer = setInterval(read, 1);
  return {
    stop: () => {
      clearInterval(timer);
      return first === null || last === null ? null : last - first + 1;
    },
  };
}
