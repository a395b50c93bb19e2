// Where an engine is and how to reach it: parsing DOCKER_HOST-style addresses into dockerode options.
import fs from 'node:fs';
import path from 'node:path';
import type { DockerOptions } from 'dockerode';
import { StudioError } from '../ipc/errors';

export interface EngineSpec {
  id: string;
  name: string;
  /** unix:///path, tcp://host:port, ssh://user@host[:port] */
  host: string;
  /** Folder with ca.pem, cert.pem, key.pem for tcp:// with TLS (as DOCKER_CERT_PATH). */
  tlsDir?: string;
  /** ssh://: the private key to log in with (else ssh-agent and ~/.ssh's usual keys). */
  sshKey?: string;
  /** ssh://: the host key's SHA256 fingerprint, pinned when the engine was added or first reached. */
  sshHostKey?: string;
}

export const DEFAULT_SOCKET = '/var/run/docker.sock';

export function isLocalHost(host: string): boolean {
  return host.startsWith('unix://') || host.startsWith('/');
}

export function dockerOptions(spec: EngineSpec): DockerOptions {
  const host = spec.host;
  if (host.startsWith('unix://') || host.startsWith('/')) {
    const socketPath = host.startsWith('unix://') ? host.slice('unix://'.length) : host;
    if (!path.isAbsolute(socketPath)) {
      throw new StudioError(
        'invalid-argument',
        `engine ${spec.name}: socket path must be absolute (${host})`,
      );
    }
    return { socketPath };
  }
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new StudioError('invalid-argument', `engine ${spec.name}: cannot read address "${host}"`, {
      hint: 'Use unix:///path/to/docker.sock, tcp://host:2376 or ssh://user@host.',
    });
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const tls = spec.tlsDir ?? undefined;
    const options: DockerOptions = {
      host: url.hostname,
      port: Number(url.port || (tls ? 2376 : 2375)),
      protocol: tls || url.protocol === 'https:' ? 'https' : 'http',
    };
    if (tls) {
      options.ca = fs.readFileSync(path.join(tls, 'ca.pem'));
      options.cert = fs.readFileSync(path.join(tls, 'cert.pem'));
      options.key = fs.readFileSync(path.join(tls, 'key.pem'));
    }
    return options;
  }
  if (url.protocol === 'ssh:') {
    if (!url.hostname || (url.pathname && url.pathname !== '/'))
      throw new StudioError(
        'invalid-argument',
        `engine ${spec.name}: write an SSH address as ssh://user@host[:port]`,
      );
    // Plain HTTP over channels of one SSH connection: DockerEngine gives the agent (ssh-transport.ts).
    return { protocol: 'http', host: url.hostname, port: Number(url.port || 22) };
  }
  throw new StudioError(
    'invalid-argument',
    `engine ${spec.name}: unsupported address scheme ${url.protocol}`,
    {
      hint: 'Use unix://, tcp:// or ssh://.',
    },
  );
}

/** The engine a plain `docker` command would use: DOCKER_HOST, else the default socket. */
export function defaultEngineSpec(env: NodeJS.ProcessEnv = process.env): EngineSpec {
  const host = env.DOCKER_HOST?.trim() || `unix://${DEFAULT_SOCKET}`;
  const spec: EngineSpec = { id: 'local', name: 'Local Docker', host };
  if (env.DOCKER_TLS_VERIFY && env.DOCKER_CERT_PATH) spec.tlsDir = env.DOCKER_CERT_PATH;
  return spec;
}

/** Parses `id=host` or `id:Display name=host` from the command line or CHECKPOINT_STUDIO_ENGINES. */
export function parseEngineArg(arg: string): EngineSpec {
  const eq = arg.indexOf('=');
  if (eq <= 0) {
    throw new StudioError(
      'invalid-argument',
      `engine "${arg}" must look like id=unix:///path/to/docker.sock`,
    );
  }
  const left = arg.slice(0, eq);
  const host = arg.slice(eq + 1);
  const [id = '', name] = left.split(':', 2);
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(id)) {
    throw new StudioError(
      'invalid-argument',
      `engine id "${id}" must be lowercase letters, digits or dashes`,
    );
  }
  const spec = { id, name: name || id, host };
  dockerOptions(spec); // validates the address now rather than at first use
  return spec;
}
