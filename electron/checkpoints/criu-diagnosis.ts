// Turns CRIU's failure into something a person can act on: the few lines of its log that matter,
// and the likely cause with what to do. CRIU logs thousands of lines; the error is near the end.

/** Error lines CRIU prints on every run here and that never cause a failure. */
const NOISE = [/Can't setup RLIMIT_NOFILE for self/, /Can't keep kdat cache/];

/** The lines worth showing: CRIU's Error lines (without known noise), each with the line before it. */
export function relevantLogLines(log: string, max = 12): string[] {
  const lines = log.split('\n').map((l) => l.trimEnd());
  const picked = new Set<number>();
  lines.forEach((line, i) => {
    if (!/\bError\b|\bFAILED\b/.test(line) || NOISE.some((n) => n.test(line))) return;
    if (i > 0 && !picked.has(i - 1) && !/\bError\b/.test(lines[i - 1]!)) picked.add(i - 1);
    picked.add(i);
  });
  const out = [...picked].sort((a, b) => a - b).map((i) => lines[i]!);
  return out.length > max ? out.slice(out.length - max) : out;
}

export interface Cause {
  cause: string;
  hint: string;
}

const CAUSES: [RegExp, Cause][] = [
  [
    /External socket is used|ext-unix-sk/,
    {
      cause:
        'the container has a Unix socket connected to something outside it (for example a bind-mounted socket)',
      hint: 'CRIU cannot save the other end of that connection. Close it before checkpointing (stop the client), or remove the bind-mounted socket.',
    },
  ],
  [
    /Connected TCP socket|tcp-established|TCP.*ESTABLISHED|sk-inet.*(?:established|connected)/i,
    {
      cause: 'the container has established TCP connections',
      hint: "Docker's API cannot pass CRIU --tcp-established. Let clients disconnect first, or use Podman, which can.",
    },
  ],
  [
    /file-locks|Some file locks are hold|file lock/i,
    {
      cause: 'a process holds file locks',
      hint: "Docker's API cannot pass CRIU --file-locks. Release the locks (stop that work) before checkpointing, or use Podman.",
    },
  ],
  [
    /Unexpected rt vDSO|vdso/i,
    {
      cause: "this CRIU cannot handle the kernel's vDSO layout",
      hint: 'Install CRIU 4.2 or newer (see the Host doctor).',
    },
  ],
  [
    /Can't get \d+:\d+ opt: Operation not supported/,
    {
      cause: 'a CRIU older than 4.2 cannot dump TCP sockets on this kernel',
      hint: 'Install CRIU 4.2 or newer (see the Host doctor).',
    },
  ],
  [
    /no space left on device|ENOSPC/i,
    {
      cause: "the engine's disk is full",
      hint: 'Free space where the engine keeps its data (docker info: Docker Root Dir), or delete old checkpoints, then try again.',
    },
  ],
  [
    /Address already in use/,
    {
      cause: 'an address or port the checkpoint was listening on is taken',
      hint: 'Stop whatever holds it, or restore into a clone with other ports.',
    },
  ],
  [
    /Can't fork for \d+|pid \d+ already in use|clone3? .* failed: File exists/i,
    {
      cause: 'a process id the checkpoint needs is already taken',
      hint: 'Restore into a fresh container (a clone) rather than one sharing a PID namespace.',
    },
  ],
  [
    /mnt: .*(?:not|un)supported|Mount .* is not (?:available|shared)|external mount|Can't dump ghost file|unreachable mount/i,
    {
      cause: 'the container has a mount CRIU cannot save (an external mount or an unusual file system)',
      hint: 'Checkpoint containers whose data lives in volumes or the image, not in special mounts.',
    },
  ],
  [
    /is not running|not running/i,
    {
      cause: 'the container is not running',
      hint: 'Only a running container can be checkpointed; start it first.',
    },
  ],
  [
    /experimental/i,
    { cause: "the engine's experimental mode is off", hint: 'Start dockerd with --experimental.' },
  ],
];

export function likelyCause(...texts: string[]): Cause | null {
  const text = texts.join('\n');
  for (const [re, cause] of CAUSES) if (re.test(text)) return cause;
  return null;
}
