// Engine failures that are known upstream, recognised by the engine's own words, so that the
// doctor and a refusal can name them and say what works instead. Only failures measured on real
// engines are here; each line says where it was seen.
import type { KnownIssueT } from '../ipc/contract';

const KNOWN: { pattern: RegExp; issue: KnownIssueT }[] = [
  {
    // Docker 28.5 + containerd 2.1.9 (Debian sid): every restore that needs a network namespace.
    pattern: /bind-mount \/proc\/0\/ns\/net/,
    issue: {
      ref: 'containerd/containerd#12141',
      summary:
        'containerd 2.x reports no process for a restored task, so Docker cannot attach the network namespace to it',
    },
  },
  {
    // CRIU 4.1.1 (Debian 13's own) on kernel 6.x: any inet socket.
    pattern: /Can't get \d+:16 opt: Operation not supported|sockets: Can't get 1:16 opt/,
    issue: {
      ref: 'checkpoint-restore/criu (fixed in 4.2)',
      summary: 'CRIU older than 4.2 asks inet sockets for SO_PASSCRED, which this kernel refuses',
    },
  },
  {
    pattern: /custom checkpointdir is not supported/,
    issue: {
      ref: 'moby/moby (checkpoint API)',
      summary: 'Docker restores only from the container’s own checkpoints folder',
    },
  },
];

export function knownIssue(message: string | null | undefined): KnownIssueT | null {
  if (!message) return null;
  return KNOWN.find((k) => k.pattern.test(message))?.issue ?? null;
}
