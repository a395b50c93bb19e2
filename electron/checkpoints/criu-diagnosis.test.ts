import { describe, expect, it } from 'vitest';
import { likelyCause, relevantLogLines } from './criu-diagnosis';

// Shaped like a real dump.log from runc's CRIU: thousands of lines, benign errors early, the
// fatal ones at the end.
const LOG = [
  '(00.000001) Version: 4.2.1',
  "(00.046501) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted",
  ...Array.from({ length: 1500 }, (_, i) => `(00.05${i}) Dumping something ${i}`),
  '(00.125900) unix: Dumping unix socket at 3',
  '(00.125948) Error (criu/sk-unix.c:874): unix: External socket is used. Consider using --ext-unix-sk option.',
  '(00.217970) Error (criu/cr-dump.c:1975): Dumping FAILED.',
].join('\n');

describe('CRIU failure diagnosis', () => {
  it('keeps the few lines that matter, without known noise', () => {
    const lines = relevantLogLines(LOG);
    expect(lines).toEqual([
      '(00.125900) unix: Dumping unix socket at 3',
      '(00.125948) Error (criu/sk-unix.c:874): unix: External socket is used. Consider using --ext-unix-sk option.',
      '(00.217970) Error (criu/cr-dump.c:1975): Dumping FAILED.',
    ]);
  });

  it.each([
    ['External socket is used', /Unix socket/],
    [
      'Error (criu/sk-inet.c:1): Connected TCP socket, consider using --tcp-established option.',
      /TCP connections/,
    ],
    ['Error: Some file locks are hold, use --file-locks option', /file locks/],
    ['Error (criu/vdso.c:1): vdso: Unexpected rt vDSO area bounds', /vDSO/],
    ["sockets: Can't get 1:16 opt: Operation not supported", /older than 4\.2/],
    ['write failed: No space left on device', /disk is full/],
    [
      "Error (criu/sk-inet.c:1): inet: Can't bind inet socket: Address already in use",
      /address or port .* is taken/,
    ],
    ['Container abc is not running', /not running/],
  ])('%s', (text, cause) => {
    expect(likelyCause(text)?.cause).toMatch(cause);
    expect(likelyCause(text)?.hint.length).toBeGreaterThan(20);
  });

  it('says nothing when it does not know', () => {
    expect(likelyCause('criu failed: type NOTIFY errno 0')).toBeNull();
  });
});
