// The engine's own API, called bare: one HTTP request on its Unix socket, nothing of the app — the
// floor any client of the API stands on, and what issue 17's "within 0.1 s or 1.1× of the engine's
// own API" is measured against. (Podman's CLI works in-process and skips its API's costs: its
// export, for one, is written to a temporary file before it is sent.)
import fs from 'node:fs';
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MatrixEngine } from '../testbed/support';

const LIBPOD = '/v4.0.0/libpod';

/** One request on the engine's socket: a body is JSON, or a stream (a tar archive) sent as it is read. */
function request(
  host: string,
  method: string,
  path: string,
  body?: object | Readable,
): Promise<http.IncomingMessage> {
  const socketPath = host.replace(/^unix:\/\//, '');
  if (socketPath === host) throw new Error(`not a Unix socket: ${host}`);
  const stream = body instanceof Readable ? body : null;
  const type = stream ? 'application/x-tar' : 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request(
      { socketPath, method, path, headers: body ? { 'Content-Type': type } : {} },
      (res) => {
        if ((res.statusCode ?? 500) >= 300) {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`)));
          return;
        }
        resolve(res);
      },
    );
    req.on('error', reject);
    if (stream) stream.pipe(req);
    else req.end(body ? JSON.stringify(body) : undefined);
  });
}

async function drain(res: http.IncomingMessage): Promise<void> {
  for await (const _ of res) {
    // The answer is read to its end: the call is over when the engine says so.
  }
}

/** A checkpoint that leaves the container running (Podman: exported into `file`, uncompressed). */
export async function apiCheckpoint(m: MatrixEngine, id: string, name: string, file: string): Promise<void> {
  if (m.kind === 'docker') {
    await drain(
      await request(m.host, 'POST', `/containers/${id}/checkpoints`, { CheckpointID: name, Exit: false }),
    );
    return;
  }
  const res = await request(
    m.host,
    'POST',
    `${LIBPOD}/containers/${id}/checkpoint?export=true&leaveRunning=true&printStats=true`,
  );
  await pipeline(res, fs.createWriteStream(file));
}

/** A checkpoint that stops the container, kept where a restore in place finds it. */
export async function apiCheckpointStop(m: MatrixEngine, id: string, name: string): Promise<void> {
  if (m.kind === 'docker')
    await drain(
      await request(m.host, 'POST', `/containers/${id}/checkpoints`, { CheckpointID: name, Exit: true }),
    );
  else await drain(await request(m.host, 'POST', `${LIBPOD}/containers/${id}/checkpoint?keep=false`));
}

/** Restores the container in place from that checkpoint. */
export async function apiRestore(m: MatrixEngine, id: string, name: string): Promise<void> {
  if (m.kind === 'docker')
    await drain(
      await request(m.host, 'POST', `/containers/${id}/start?checkpoint=${encodeURIComponent(name)}`),
    );
  else await drain(await request(m.host, 'POST', `${LIBPOD}/containers/${id}/restore?printStats=true`));
}

/** Podman: a new container named `name` from an export archive (the body), as N clones are made. */
export async function apiImport(m: MatrixEngine, file: string, name: string): Promise<string> {
  const res = await request(
    m.host,
    'POST',
    `${LIBPOD}/containers/import/restore?import=true&name=${encodeURIComponent(name)}&ignoreStaticIP=true&ignoreStaticMAC=true`,
    fs.createReadStream(file, { highWaterMark: 4 << 20 }),
  );
  let text = '';
  for await (const c of res) text += (c as Buffer).toString('utf8');
  return (JSON.parse(text) as { Id: string }).Id;
}
