// What a test reads from its containers through the engine API: a command's output, the log's
// lines, the counter's numbers and the pi job's digits, and one Redis command over TCP.
import net from 'node:net';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

/** Runs a command in a container through the engine API and returns its output (stdout+stderr). */
export async function execIn(docker: Docker, id: string, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString('utf8')));
  docker.modem.demuxStream(stream, out, out);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  return text.trim();
}

/** The container's output lines so far, through the engine API. */
export async function logLines(docker: Docker, id: string): Promise<string[]> {
  const buf = (await docker
    .getContainer(id)
    .logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
  // Non-TTY logs are framed: 8-byte headers before each chunk.
  const out: string[] = [];
  let text = '';
  for (let i = 0; i + 8 <= buf.length;) {
    const len = buf.readUInt32BE(i + 4);
    text += buf.subarray(i + 8, i + 8 + len).toString('utf8');
    i += 8 + len;
  }
  for (const l of text.split('\n')) if (l.trim()) out.push(l.trim());
  return out;
}

/** Numbers printed by the counter, in order. */
export async function counterValues(docker: Docker, id: string): Promise<number[]> {
  return (await logLines(docker, id)).filter((l) => /^\d+$/.test(l)).map(Number);
}

/** The pi job's progress: the index of each digit printed so far. */
export async function piProgress(docker: Docker, id: string): Promise<number[]> {
  return (await logLines(docker, id))
    .map((l) => /^digit (\d+): \d$/.exec(l)?.[1])
    .filter((x): x is string => Boolean(x))
    .map(Number);
}

/** Speaks just enough of Redis' protocol to ask one inline command over TCP on 127.0.0.1. */
export function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    sock.setTimeout(5000, () => sock.destroy(new Error('redis did not answer in 5 s')));
    sock.on('connect', () => sock.write(`${command}\r\n`));
    sock.on('data', (d) => {
      data += d.toString('utf8');
      const m = /^([+\-:])(.*)\r\n|^\$(-?\d+)\r\n/.exec(data);
      if (
        m &&
        (m[1] || (m[3] && (Number(m[3]) < 0 || data.length >= data.indexOf('\r\n') + 2 + Number(m[3]) + 2)))
      ) {
        sock.end();
        resolve(
          m[1]
            ? m[2]!
            : Number(m[3]) < 0
              ? ''
              : data.slice(data.indexOf('\r\n') + 2, data.indexOf('\r\n') + 2 + Number(m[3])),
        );
      }
    });
    sock.on('error', reject);
  });
}
