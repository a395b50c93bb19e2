// One Docker-API engine: identity and health, containers, and the event stream.
// docker-modem, not dockerode: every request goes through DockerHttp, and dockerode's own module
// graph (gRPC and protobuf for BuildKit sessions) costs the CLI over 100 ms before its first request.
import Modem from 'docker-modem';
import type { ContainerInspectInfo } from 'dockerode';
import type { ContainerSummaryT } from '../../ipc/contract';
import { StudioError } from '../../ipc/errors';
import { dockerOptions, type EngineSpec } from '../engine-spec';
import { DockerHttp, EngineHttpError } from './docker-http';
import { readJsonLines } from './json-lines';
import { containerFromInspect, containerFromListRow, type ListRow } from './container-mapping';
import { HELPER_LABEL } from './labels';
import { SshTransport } from '../remote/ssh-transport';
import { explainRemoteError } from '../remote/remote-errors';

/** A request that should answer at once; a longer wait means the engine is in trouble. */
export const QUICK_TIMEOUT_MS = 8000;

export interface EngineIdentity {
  kind: 'docker' | 'podman' | 'unknown';
  version: string;
  apiVersion: string;
  experimental: boolean;
  os: string;
  arch: string;
  kernel: string;
  dataRoot: string;
  defaultRuntime: string;
  runtimeVersion: string;
  /** Docker's containerd, as /version names it; null for Podman (which has none). */
  containerdVersion: string | null;
  cgroupVersion: string;
  rootless: boolean;
  /** The engine's clock, ms since epoch, when asked. */
  systemTime: number | null;
  /** The engine host's processors, as /info reports them. */
  cpus: number | null;
}

export interface EngineEvent {
  id: string;
  action: string;
  /** ns since epoch, as the engine sends it */
  timeNano: number;
  attributes: Record<string, string>;
}

interface PingHeaders {
  apiVersion?: string;
  experimental?: boolean;
  podmanApi?: string;
}

interface DockerInfo {
  ServerVersion?: string;
  ExperimentalBuild?: boolean;
  OperatingSystem?: string;
  Architecture?: string;
  KernelVersion?: string;
  DockerRootDir?: string;
  DefaultRuntime?: string;
  RuncCommit?: { ID?: string };
  CgroupVersion?: string;
  SecurityOptions?: string[];
  SystemTime?: string;
  NCPU?: number;
}

interface DockerVersion {
  Version?: string;
  ApiVersion?: string;
  Components?: { Name: string; Version: string }[];
}

/** "runc version 1.3.6+ds1\ncommit: …" (Podman) or "1.1.15" (Docker) → "1.3.6+ds1". */
export function runtimeVersionOf(text: string): string {
  const first = text.split('\n')[0]!.trim();
  return /version\s+(\S+)/i.exec(first)?.[1] ?? first;
}

/** Translates low-level failures into what the user should know and do. */
export function explainConnectionError(spec: EngineSpec, e: unknown): StudioError {
  if (e instanceof StudioError) return e;
  const remote = explainRemoteError(spec, e);
  if (remote) return remote;
  const err = e as NodeJS.ErrnoException & { name?: string };
  const where = spec.host;
  if (err?.code === 'ENOENT') {
    return new StudioError('engine-unreachable', `No engine socket at ${where}.`, {
      hint: 'Start the engine (dockerd) or point DOCKER_HOST at a running one.',
      cause: e,
    });
  }
  if (err?.code === 'EACCES') {
    return new StudioError('engine-unreachable', `Permission denied on ${where}.`, {
      hint: 'Access to the Docker socket is root on this host: run as root, or add your user to the docker group.',
      cause: e,
    });
  }
  if (err?.code === 'ECONNREFUSED') {
    return new StudioError('engine-unreachable', `Nothing is listening at ${where}.`, {
      hint: 'The engine is stopped or restarting; Checkpoint Studio reconnects by itself when it is back.',
      cause: e,
    });
  }
  if (err?.code === 'ECONNRESET' || err?.code === 'EPIPE') {
    return new StudioError('engine-unreachable', `Lost the connection to the engine at ${where}.`, {
      hint: 'It stopped or restarted; Checkpoint Studio reconnects by itself when it is back.',
      cause: e,
    });
  }
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || err?.code === 'ABORT_ERR') {
    return new StudioError('engine-unreachable', `The engine at ${where} did not answer in time.`, {
      hint: 'It may be overloaded or hung; Checkpoint Studio keeps trying.',
      cause: e,
    });
  }
  if (e instanceof EngineHttpError) {
    return new StudioError('internal', `The engine at ${where} answered ${e.status}: ${e.engineMessage}`, {
      cause: e,
    });
  }
  return new StudioError(
    'engine-unreachable',
    `Cannot reach the engine at ${where}: ${err?.message ?? String(e)}`,
    {
      cause: e,
    },
  );
}

export class DockerEngine {
  readonly modem: Modem;
  readonly http: DockerHttp;

  /** ssh:// engines: the one SSH connection their requests share. */
  readonly ssh: SshTransport | null;

  constructor(readonly spec: EngineSpec) {
    this.ssh = spec.host.startsWith('ssh://') ? new SshTransport(spec) : null;
    this.modem = new Modem({ ...dockerOptions(spec), ...(this.ssh ? { agent: this.ssh.agent } : {}) });
    this.http = new DockerHttp(this.modem);
  }

  /** Lets go of what the engine holds open (the SSH connection); a later request opens it again. */
  close(): void {
    this.ssh?.close();
  }

  /** GET /_ping: the cheapest liveness check, and the headers that tell what the engine is. */
  async ping(timeoutMs = QUICK_TIMEOUT_MS): Promise<PingHeaders> {
    const res = await this.http.stream({ method: 'GET', path: '/_ping', ok: [200], timeoutMs });
    res.resume();
    const h = res.headers;
    const experimental = h['docker-experimental'];
    const out: PingHeaders = {};
    if (typeof h['api-version'] === 'string') out.apiVersion = h['api-version'];
    if (typeof experimental === 'string') out.experimental = experimental === 'true';
    if (typeof h['libpod-api-version'] === 'string') out.podmanApi = h['libpod-api-version'];
    return out;
  }

  async identify(timeoutMs = QUICK_TIMEOUT_MS): Promise<EngineIdentity> {
    const [ping, info, version] = await Promise.all([
      this.ping(timeoutMs),
      this.http.json<DockerInfo>({ method: 'GET', path: '/info', ok: [200], timeoutMs }),
      this.http.json<DockerVersion>({ method: 'GET', path: '/version', ok: [200], timeoutMs }),
    ]);
    const isPodman =
      ping.podmanApi !== undefined || (version.Components ?? []).some((c) => /podman/i.test(c.Name));
    const runtimeName = info.DefaultRuntime ?? 'runc';
    const components = version.Components ?? [];
    // Docker names the component "runc"; Podman "OCI Runtime (runc)", with a multi-line version.
    const runtimeComponent = components.find((c) => {
      const n = c.Name.toLowerCase();
      return n === runtimeName || n === `oci runtime (${runtimeName})`;
    });
    const containerd = components.find((c) => c.Name.toLowerCase() === 'containerd');
    return {
      kind: isPodman ? 'podman' : 'docker',
      version: info.ServerVersion ?? version.Version ?? 'unknown',
      apiVersion: version.ApiVersion ?? ping.apiVersion ?? 'unknown',
      // The header is what the checkpoint routes obey; /info agrees on every engine we know.
      experimental: ping.experimental ?? info.ExperimentalBuild ?? false,
      os: info.OperatingSystem ?? '',
      arch: info.Architecture ?? '',
      kernel: info.KernelVersion ?? '',
      dataRoot: info.DockerRootDir ?? '',
      defaultRuntime: runtimeName,
      runtimeVersion: runtimeComponent
        ? runtimeVersionOf(runtimeComponent.Version)
        : (info.RuncCommit?.ID ?? 'unknown'),
      containerdVersion: containerd?.Version ?? null,
      cgroupVersion: info.CgroupVersion ?? 'unknown',
      rootless: (info.SecurityOptions ?? []).some((o) => o.includes('name=rootless')),
      systemTime: info.SystemTime ? Date.parse(info.SystemTime) || null : null,
      cpus: typeof info.NCPU === 'number' && info.NCPU > 0 ? info.NCPU : null,
    };
  }

  async inspect(ref: string, timeoutMs = QUICK_TIMEOUT_MS): Promise<ContainerInspectInfo | null> {
    try {
      return await this.http.json<ContainerInspectInfo>({
        method: 'GET',
        path: `/containers/${encodeURIComponent(ref)}/json`,
        ok: [200],
        timeoutMs,
      });
    } catch (e) {
      if (vanished(e)) return null;
      throw e;
    }
  }

  /** The row for the container list; null when it does not exist or is one of our helpers. */
  async containerSummary(ref: string): Promise<ContainerSummaryT | null> {
    const info = await this.inspect(ref);
    if (!info || info.Config?.Labels?.[HELPER_LABEL]) return null;
    return containerFromInspect(this.spec.id, info);
  }

  async listContainers(concurrency = 16): Promise<ContainerSummaryT[]> {
    const list = () =>
      this.http.json<ListRow[]>({
        method: 'GET',
        path: '/containers/json',
        query: { all: true },
        ok: [200],
        timeoutMs: QUICK_TIMEOUT_MS * 2,
      });
    // Podman answers a list with 500 "no such container" when one is removed while it lists:
    // the list is asked again (the next one does not contain it).
    let rows: ListRow[] | undefined;
    for (let attempt = 1; !rows; attempt++) {
      try {
        rows = await list();
      } catch (e) {
        if (attempt >= 5 || !vanished(e)) throw e;
      }
    }
    // The list endpoint lacks start times and exit codes; inspect gives one consistent shape.
    const out: ContainerSummaryT[] = [];
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        // The list answered, so the engine is there: one container it cannot answer for (a
        // restore hung in runc) is shown from the list rather than failing the whole list.
        const summary = await this.containerSummary(row.Id).catch(() =>
          row.Labels?.[HELPER_LABEL] ? null : containerFromListRow(this.spec.id, row),
        );
        if (summary) out.push(summary);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Container events, as they happen, until the signal aborts or the engine goes away. */
  async *containerEvents(signal: AbortSignal, sinceSeconds?: number): AsyncGenerator<EngineEvent> {
    const res = await this.http.stream({
      method: 'GET',
      path: '/events',
      query: {
        filters: JSON.stringify({ type: ['container'] }),
        since: sinceSeconds === undefined ? undefined : String(sinceSeconds),
      },
      ok: [200],
      signal,
    });
    for await (const raw of readJsonLines(res, signal)) {
      const ev = raw as {
        Type?: string;
        Action?: string;
        id?: string;
        Actor?: { ID?: string; Attributes?: Record<string, string> };
        timeNano?: number;
        time?: number;
      };
      const id = ev.Actor?.ID ?? ev.id;
      if (ev.Type !== 'container' || !id || !ev.Action) continue;
      yield {
        id,
        action: ev.Action,
        timeNano: ev.timeNano ?? (ev.time ?? 0) * 1e9,
        attributes: ev.Actor?.Attributes ?? {},
      };
    }
  }
}

/** A container that is not there (any more): 404, or Podman's 500 for one removed mid-request. */
function vanished(e: unknown): boolean {
  return (
    e instanceof EngineHttpError &&
    (e.status === 404 || (e.status === 500 && /no such container/i.test(e.engineMessage)))
  );
}
