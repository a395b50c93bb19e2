// Docker's inspect document → the contract's ContainerSummary.
import type { ContainerInspectInfo } from 'dockerode';
import { ContainerStateName, type ContainerSummaryT } from '../../ipc/contract';
import { CLONE_CHECKPOINT_LABEL, CLONE_OF_LABEL } from './labels';

const ZERO_TIME = '0001-01-01T00:00:00Z';

function parseTime(value: string | undefined): number | null {
  if (!value || value === ZERO_TIME) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

function stateName(value: string | undefined): ContainerSummaryT['state'] {
  const parsed = ContainerStateName.safeParse(value);
  return parsed.success ? parsed.data : 'unknown';
}

function statusText(info: ContainerInspectInfo): string {
  const s = info.State;
  switch (s?.Status) {
    case 'running':
      return s.Paused ? 'Paused' : 'Up';
    case 'exited':
      return `Exited (${s.ExitCode})`;
    case 'created':
      return 'Created';
    default:
      return s?.Status ? s.Status[0]!.toUpperCase() + s.Status.slice(1) : 'Unknown';
  }
}

const isV6 = (ip: string | undefined) => Boolean(ip?.includes(':'));
/** 0.0.0.0 and :: (or none): every address of the host. */
const isAny = (ip: string | undefined) => !ip || ip === '0.0.0.0' || ip === '::';

function ports(info: ContainerInspectInfo): ContainerSummaryT['ports'] {
  const out: ContainerSummaryT['ports'] = [];
  // Running containers report what is bound; others only what they asked for.
  const live = info.NetworkSettings?.Ports as
    Record<string, { HostIp: string; HostPort: string }[] | null> | undefined;
  const wanted = info.HostConfig?.PortBindings as
    Record<string, { HostIp?: string; HostPort?: string }[] | null> | undefined;
  const exposed = Object.keys((info.Config?.ExposedPorts as Record<string, unknown> | undefined) ?? {});
  const keys = new Set([...Object.keys(live ?? {}), ...Object.keys(wanted ?? {}), ...exposed]);
  for (const key of keys) {
    const [portText = '', type = 'tcp'] = key.split('/');
    const privatePort = Number(portText);
    if (!Number.isInteger(privatePort)) continue;
    const bindings = live?.[key] ?? wanted?.[key] ?? null;
    if (!bindings || bindings.length === 0) {
      out.push({ privatePort, type });
      continue;
    }
    // The engine binds a port published on all addresses twice, IPv4 and IPv6: one binding asked
    // for, so one row (the IPv4 one).
    const seen = new Set<string>();
    for (const b of [...bindings].sort((x, y) => Number(isV6(x.HostIp)) - Number(isV6(y.HostIp)))) {
      const publicPort = Number(b.HostPort);
      const row: ContainerSummaryT['ports'][number] = { privatePort, type };
      if (Number.isInteger(publicPort) && publicPort > 0) row.publicPort = publicPort;
      if (b.HostIp) row.ip = b.HostIp;
      const same = `${row.publicPort ?? '-'}|${isAny(b.HostIp) ? 'any' : b.HostIp}`;
      if (seen.has(same)) continue;
      seen.add(same);
      out.push(row);
    }
  }
  return out.sort((a, b) => a.privatePort - b.privatePort);
}

export function containerFromInspect(engineId: string, info: ContainerInspectInfo): ContainerSummaryT {
  const cmd = [
    ...(info.Config?.Entrypoint ? ([] as string[]).concat(info.Config.Entrypoint) : []),
    ...(info.Config?.Cmd ?? []),
  ];
  const state = stateName(info.State?.Status);
  return {
    engineId,
    id: info.Id,
    name: (info.Name ?? '').replace(/^\//, ''),
    image: info.Config?.Image ?? info.Image,
    command: cmd.join(' '),
    state,
    status: statusText(info),
    createdAt: parseTime(info.Created) ?? 0,
    startedAt: state === 'running' || state === 'paused' ? parseTime(info.State?.StartedAt) : null,
    ports: ports(info),
    cloneOf: cloneOf(info),
  };
}

function cloneOf(info: ContainerInspectInfo): ContainerSummaryT['cloneOf'] {
  const labels = info.Config?.Labels ?? {};
  const sourceId = labels[CLONE_OF_LABEL];
  return sourceId ? { sourceId, checkpoint: labels[CLONE_CHECKPOINT_LABEL] ?? null } : null;
}

/** A row of GET /containers/json: what the list itself says of a container. */
export interface ListRow {
  Id: string;
  Names?: string[];
  Image?: string;
  Command?: string;
  State?: string;
  Status?: string;
  Created?: number;
  Ports?: { PrivatePort: number; PublicPort?: number; Type?: string; IP?: string }[];
  Labels?: Record<string, string>;
}

/**
 * The row of a container whose inspect does not answer (seen: a restore hung inside runc keeps
 * Docker from answering for that container), from the list alone: shown, and said to be stuck,
 * rather than holding up the engine's whole list.
 */
export function containerFromListRow(engineId: string, row: ListRow): ContainerSummaryT {
  const labels = row.Labels ?? {};
  const sourceId = labels[CLONE_OF_LABEL];
  // As in ports(): a port published on all addresses is listed for IPv4 and IPv6; one row.
  const seen = new Set<string>();
  const portRows: ContainerSummaryT['ports'] = [];
  for (const p of [...(row.Ports ?? [])].sort((x, y) => Number(isV6(x.IP)) - Number(isV6(y.IP)))) {
    const r: ContainerSummaryT['ports'][number] = { privatePort: p.PrivatePort, type: p.Type ?? 'tcp' };
    if (p.PublicPort) r.publicPort = p.PublicPort;
    if (p.IP) r.ip = p.IP;
    const same = `${r.privatePort}/${r.type}|${r.publicPort ?? '-'}|${isAny(p.IP) ? 'any' : p.IP}`;
    if (seen.has(same)) continue;
    seen.add(same);
    portRows.push(r);
  }
  return {
    engineId,
    id: row.Id,
    name: (row.Names?.[0] ?? '').replace(/^\//, ''),
    image: row.Image ?? '',
    command: row.Command ?? '',
    state: stateName(row.State),
    status: `${row.Status ?? row.State ?? 'Unknown'} — the engine does not answer for it`,
    createdAt: (row.Created ?? 0) * 1000,
    startedAt: null,
    ports: portRows.sort((a, b) => a.privatePort - b.privatePort),
    cloneOf: sourceId ? { sourceId, checkpoint: labels[CLONE_CHECKPOINT_LABEL] ?? null } : null,
  };
}
