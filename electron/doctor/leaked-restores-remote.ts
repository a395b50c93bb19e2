// containerd's restore leftovers (see leaked-restores.ts) on an engine's own host, which may be
// another machine: found, and removed on request, by a helper container that sees that host's /tmp
// (a bind) and its processes (the host's pid namespace, allowed to read their links) — the same
// rules as on this computer: only folders quiet for QUIET_MS that no process has as its working
// directory or holds a file in. The helper needs a shell, `find` and `du`: it runs from an image the
// engine already has that holds them (the app's own tools image has no shell).
import type { DockerEngine } from '../engines/docker/docker-engine';
import { runShellHelper } from '../engines/docker/shell-helper';
import { QUIET_MS } from './leaked-restores';

/** Prints "FOLDERS KIB BUSY REMOVED". */
const SCRIPT = `
mode=$1; quiet=$2; dir=$3
used=$(for p in /proc/[0-9]*; do readlink "$p/cwd"; for f in "$p"/fd/*; do readlink "$f"; done; done 2>/dev/null |
  sed -n "s#^$dir/\\(ctrd-checkpoint[0-9]*\\).*#\\1#p" | sort -u)
n=0; kb=0; busy=0; removed=0
for d in /cs/tmp/ctrd-checkpoint*; do
  [ -d "$d" ] || continue
  case "\${d#/cs/tmp/ctrd-checkpoint}" in *[!0-9]*|'') continue;; esac
  if printf '%s\\n' "$used" | grep -qx "\${d#/cs/tmp/}" || [ -z "$(find "$d" -maxdepth 0 -mmin +"$quiet")" ]; then
    busy=$((busy+1)); continue
  fi
  k=$(du -sk "$d" | cut -f1)
  n=$((n+1)); kb=$((kb+k))
  if [ "$mode" = remove ]; then rm -rf "$d" && removed=$((removed+1)); fi
done
echo "$n $kb $busy $removed"
`;

export interface RemoteLeftovers {
  count: number;
  bytes: number;
  busy: number;
  removed: number;
}

/** Images of the engine's running containers, most used first: likely to hold a shell. */
async function candidateImages(engine: DockerEngine): Promise<string[]> {
  const rows = await engine.http.json<{ ImageID: string }[]>({
    method: 'GET',
    path: '/containers/json',
    ok: [200],
    timeoutMs: 15_000,
  });
  const uses = new Map<string, number>();
  for (const r of rows) uses.set(r.ImageID, (uses.get(r.ImageID) ?? 0) + 1);
  return [...uses.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
}

async function runScript(
  engine: DockerEngine,
  image: string,
  mode: 'count' | 'remove',
  quietMs: number,
  hostDir: string,
): Promise<RemoteLeftovers | null> {
  const run = await runShellHelper(engine, {
    image,
    script: SCRIPT,
    args: [mode, String(Math.ceil(quietMs / 60_000)), hostDir],
    role: 'leftovers',
    binds: [`${hostDir}:/cs/tmp`],
    hostPids: true,
    output: true,
    timeoutMs: 10 * 60_000,
  });
  const m = run?.exitCode === 0 ? /(\d+) (\d+) (\d+) (\d+)\s*$/.exec(run.output) : null;
  if (!m) return null;
  return { count: Number(m[1]), bytes: Number(m[2]) * 1024, busy: Number(m[3]), removed: Number(m[4]) };
}

/**
 * Counts (or removes) the leftovers on the engine's host. Null when no image on the engine can run
 * the helper: the doctor then says it could not look.
 */
export async function remoteLeftovers(
  engine: DockerEngine,
  mode: 'count' | 'remove',
  quietMs = QUIET_MS,
  /** Where containerd writes them on that host (its /tmp; a test's own folder in tests). */
  hostDir = '/tmp',
): Promise<RemoteLeftovers | null> {
  if (!/^\/[\w./-]*$/.test(hostDir) || hostDir.includes('..')) throw new Error(`refusing ${hostDir}`);
  for (const image of (await candidateImages(engine).catch(() => [])).slice(0, 3)) {
    const found = await runScript(engine, image, mode, quietMs, hostDir);
    if (found) return found;
  }
  return null;
}
