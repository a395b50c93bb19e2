// The engines the user added, kept in engines.json in the app's data folder. Addresses are
// checked before they are kept: a unix socket is an absolute path, TLS folders hold the three
// files, and nothing else reaches the file system.
import fs from 'node:fs';
import path from 'node:path';
import { StudioError } from '../ipc/errors';
import { dockerOptions, type EngineSpec } from './engine-spec';

const FILE = 'engines.json';

export function validateSpec(spec: EngineSpec): EngineSpec {
  if (spec.host.startsWith('unix://')) {
    const p = spec.host.slice('unix://'.length);
    if (!path.isAbsolute(p) || p.split('/').includes('..') || p.includes('\0')) {
      throw new StudioError('invalid-argument', `"${spec.host}" is not an absolute socket path`, {
        hint: 'Write it as unix:///path/to/docker.sock.',
      });
    }
  }
  if (spec.tlsDir !== undefined) {
    if (!path.isAbsolute(spec.tlsDir) || spec.tlsDir.split('/').includes('..')) {
      throw new StudioError('invalid-argument', 'the TLS folder must be an absolute path');
    }
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) {
      if (!fs.existsSync(path.join(spec.tlsDir, f)))
        throw new StudioError('invalid-argument', `the TLS folder has no ${f}`, {
          hint: 'It should hold ca.pem, cert.pem and key.pem, as DOCKER_CERT_PATH does.',
        });
    }
  }
  if (spec.sshKey !== undefined) {
    if (!spec.host.startsWith('ssh://'))
      throw new StudioError('invalid-argument', 'an identity file is for ssh:// addresses only');
    if (!path.isAbsolute(spec.sshKey) || spec.sshKey.split('/').includes('..'))
      throw new StudioError('invalid-argument', 'the identity file must be an absolute path');
    let st: fs.Stats;
    try {
      st = fs.statSync(spec.sshKey);
    } catch {
      throw new StudioError('invalid-argument', `there is no identity file at ${spec.sshKey}`);
    }
    if (!st.isFile() || st.size > 64 * 1024)
      throw new StudioError('invalid-argument', `${spec.sshKey} is not a private key file`, {
        hint: 'Choose the private half of the key (e.g. ~/.ssh/id_ed25519, not the .pub).',
      });
  }
  if (spec.tlsDir !== undefined && !/^tcp:\/\/|^https:\/\//.test(spec.host))
    throw new StudioError('invalid-argument', 'a TLS folder is for tcp:// addresses only');
  dockerOptions(spec); // rejects schemes it cannot use, with the reason
  return spec;
}

/** An id from a display name: lowercase, dashes, unique among `taken`. */
export function idFromName(name: string, taken: Set<string>): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 28) || 'engine';
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  return id;
}

export class EngineSettings {
  constructor(private readonly dataDir: string) {}

  load(): EngineSpec[] {
    try {
      const parsed = JSON.parse(fs.readFileSync(path.join(this.dataDir, FILE), 'utf8')) as unknown;
      if (!Array.isArray(parsed)) return [];
      return parsed.filter((e): e is EngineSpec =>
        Boolean(
          e &&
          typeof e === 'object' &&
          typeof e.id === 'string' &&
          typeof e.name === 'string' &&
          typeof e.host === 'string' &&
          (e.sshKey === undefined || typeof e.sshKey === 'string') &&
          (e.sshHostKey === undefined || typeof e.sshHostKey === 'string'),
        ),
      );
    } catch {
      return [];
    }
  }

  save(specs: EngineSpec[]): void {
    fs.mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    const file = path.join(this.dataDir, FILE);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(specs, null, 2), { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  }
}
