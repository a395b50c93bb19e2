// What a clone or a migrated container takes over from its source besides the checkpoint: the
// host settings that reach beyond the container. Copying them is what makes the copy faithful,
// but a user cloning ten of something should see, before anything starts, that each gets the
// source's bind mount of a host folder, its extra capabilities, or its devices.
import type { ContainerInspectInfo } from 'dockerode';

interface HostSettings {
  Binds?: string[] | null;
  Mounts?: { Type?: string; Source?: string; Target?: string; ReadOnly?: boolean }[] | null;
  Privileged?: boolean;
  CapAdd?: string[] | null;
  Devices?: { PathOnHost?: string; PathInContainer?: string }[] | null;
  SecurityOpt?: string[] | null;
  PidMode?: string;
  IpcMode?: string;
  UTSMode?: string;
  UsernsMode?: string;
  NetworkMode?: string;
}

export function carriedSettings(info: ContainerInspectInfo): string[] {
  const hc = (info.HostConfig ?? {}) as HostSettings;
  const out: string[] = [];
  for (const b of hc.Binds ?? []) {
    const [src, dst, opts] = b.split(':');
    if (!src || !dst) continue;
    const ro = (opts ?? '').split(',').includes('ro') ? ' (read-only)' : '';
    out.push(
      src.startsWith('/')
        ? `bind mount of the host's ${src} at ${dst}${ro}`
        : `volume ${src} at ${dst}${ro}, shared with the source`,
    );
  }
  for (const m of hc.Mounts ?? []) {
    if (m.Type === 'bind')
      out.push(`bind mount of the host's ${m.Source} at ${m.Target}${m.ReadOnly ? ' (read-only)' : ''}`);
    else if (m.Type === 'volume') out.push(`volume ${m.Source} at ${m.Target}, shared with the source`);
  }
  if (hc.Privileged) out.push('privileged: every capability and every device of the host');
  if (hc.CapAdd?.length) out.push(`added capabilities: ${hc.CapAdd.join(', ')}`);
  for (const d of hc.Devices ?? [])
    out.push(`the host's device ${d.PathOnHost} at ${d.PathInContainer ?? d.PathOnHost}`);
  for (const o of hc.SecurityOpt ?? []) if (/unconfined|disable/.test(o)) out.push(`security option ${o}`);
  const shared: [string | undefined, string][] = [
    [hc.PidMode, 'processes'],
    [hc.IpcMode, 'IPC'],
    [hc.UTSMode, 'host name'],
    [hc.UsernsMode, 'user namespace'],
  ];
  for (const [mode, what] of shared) {
    if (mode === 'host') out.push(`the host's ${what}`);
    else if (mode?.startsWith('container:')) out.push(`the ${what} of container ${mode.slice(10, 22)}`);
  }
  if (hc.NetworkMode === 'host') out.push("the host's network");
  return out;
}
