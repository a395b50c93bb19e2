// What an archive may ask of the engine it is imported into. An archive is someone else's file:
// its configuration could bind the host's root into the container, run it privileged or in the
// host's namespaces — root on the host for whoever wrote it. Docker's settings are kept only where
// they describe the container itself; Podman's spec is checked before Podman reads it. Everything
// refused is named, so the user knows what the file asked for.

/** Docker's HostConfig fields that describe the container alone: kept as the archive has them. */
const KEPT = [
  'NetworkMode',
  'RestartPolicy',
  'Memory',
  'MemoryReservation',
  'MemorySwap',
  'NanoCpus',
  'CpuShares',
  'CpuPeriod',
  'CpuQuota',
  'CpusetCpus',
  'PidsLimit',
  'ShmSize',
  'Tmpfs',
  'Init',
  'Ulimits',
  'ExtraHosts',
  'Dns',
  'DnsOptions',
  'DnsSearch',
  'PortBindings',
  'ReadonlyRootfs',
  'OomScoreAdj',
  'AutoRemove',
] as const;

/** Default capabilities of Docker and Podman: anything beyond them was added by hand. */
const DEFAULT_CAPS = new Set(
  [
    'CHOWN',
    'DAC_OVERRIDE',
    'FSETID',
    'FOWNER',
    'MKNOD',
    'NET_RAW',
    'SETGID',
    'SETUID',
    'SETFCAP',
    'SETPCAP',
    'NET_BIND_SERVICE',
    'SYS_CHROOT',
    'KILL',
    'AUDIT_WRITE',
  ].map((c) => `CAP_${c}`),
);

const nonEmpty = (v: unknown) =>
  Array.isArray(v) ? v.length > 0 : v && typeof v === 'object' ? Object.keys(v).length > 0 : Boolean(v);
const hostOrOther = (v: unknown) => typeof v === 'string' && (v === 'host' || v.startsWith('container:'));

/**
 * The HostConfig a Docker import creates its containers with, and what the archive asked for that
 * reaches beyond the container (each a phrase: "binds host folders (/etc)"). Non-empty: refused.
 */
export function importableHostConfig(hc: Record<string, unknown>): {
  hostConfig: Record<string, unknown>;
  hostReach: string[];
} {
  const reach: string[] = [];
  const binds = (hc.Binds as string[] | null) ?? [];
  // A named volume ("data:/data") is the engine's own; a path ("/etc:/x") is the host's.
  const hostBinds = binds.filter((b) => b.startsWith('/') || b.startsWith('.'));
  if (hostBinds.length)
    reach.push(`binds host folders (${hostBinds.map((b) => b.split(':')[0]).join(', ')})`);
  const mounts = (hc.Mounts as { Type?: string; Source?: string }[] | null) ?? [];
  const hostMounts = mounts.filter((m) => m.Type !== 'tmpfs' && m.Type !== 'volume');
  if (hostMounts.length)
    reach.push(
      `mounts ${hostMounts.map((m) => `${m.Type ?? 'a bind'} ${m.Source ?? ''}`.trim()).join(', ')}`,
    );
  if (hc.Privileged) reach.push('runs privileged');
  if (nonEmpty(hc.Devices) || nonEmpty(hc.DeviceRequests) || nonEmpty(hc.DeviceCgroupRules))
    reach.push("uses the host's devices");
  const added = ((hc.CapAdd as string[] | null) ?? []).map((c) =>
    c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`,
  );
  const extra = added.filter((c) => !DEFAULT_CAPS.has(c));
  if (extra.length) reach.push(`adds capabilities (${extra.join(', ')})`);
  for (const [key, what] of [
    ['PidMode', 'processes'],
    ['IpcMode', 'IPC'],
    ['UTSMode', 'host name'],
    ['UsernsMode', 'user namespace'],
  ] as const) {
    if (hostOrOther(hc[key]))
      reach.push(
        `shares ${hc[key] === 'host' ? "the host's" : "another container's"} ${what} (${key} ${String(hc[key])})`,
      );
  }
  if (typeof hc.NetworkMode === 'string' && hc.NetworkMode.startsWith('container:'))
    reach.push(`joins another container's network (${hc.NetworkMode})`);
  if (nonEmpty(hc.VolumesFrom)) reach.push("takes another container's volumes");
  if (hc.CgroupParent) reach.push(`names a cgroup parent (${String(hc.CgroupParent)})`);
  const loosened = ((hc.SecurityOpt as string[] | null) ?? []).filter((o) =>
    /unconfined|disable|label[:=]/i.test(o),
  );
  if (loosened.length) reach.push(`loosens its confinement (${loosened.join(', ')})`);
  const hostConfig: Record<string, unknown> = {};
  for (const k of KEPT) if (hc[k] !== undefined && hc[k] !== null) hostConfig[k] = hc[k];
  // Named volumes stay (they are the engine's), as do the container's own tmpfs mounts.
  const volumes = binds.filter((b) => !hostBinds.includes(b));
  if (volumes.length) hostConfig.Binds = volumes;
  const ownMounts = mounts.filter((m) => m.Type === 'tmpfs' || m.Type === 'volume');
  if (ownMounts.length) hostConfig.Mounts = ownMounts;
  return { hostConfig, hostReach: reach };
}

/** What Podman mounts into every container from its own files: the only binds an import may have. */
const PODMAN_OWN = new Set([
  '/etc/hosts',
  '/etc/hostname',
  '/etc/resolv.conf',
  '/run/.containerenv',
  '/dev/shm',
  '/run/secrets',
]);

interface OciSpec {
  mounts?: { destination?: string; type?: string; source?: string; options?: string[] }[];
  linux?: {
    namespaces?: { type?: string; path?: string }[];
    devices?: unknown[];
  };
  process?: { capabilities?: { bounding?: string[]; effective?: string[]; permitted?: string[] } };
}

/**
 * What a Podman (or CRI-O) archive's spec.dump reaches beyond its container. runc binds any mount
 * with a bind option whatever its type says, so both count; a namespace missing from the spec is
 * the host's.
 */
export function specHostReach(spec: OciSpec): string[] {
  const reach: string[] = [];
  for (const m of spec.mounts ?? []) {
    const bind = m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind');
    if (!bind) continue;
    const dest = m.destination ?? '';
    // Podman's own files live in its storage, under the container's userdata folder.
    const podmans =
      PODMAN_OWN.has(dest) && /\/userdata\/[^/]+$|\/userdata\/shm$|\/secrets$/.test(m.source ?? '');
    if (!podmans) reach.push(`binds ${m.source ?? '?'} from the host at ${dest || '?'}`);
  }
  const ns = new Set((spec.linux?.namespaces ?? []).map((n) => n.type));
  for (const [type, what] of [
    ['pid', 'processes'],
    ['ipc', 'IPC'],
    ['uts', 'host name'],
    ['mount', 'mounts'],
  ] as const)
    if (!ns.has(type)) reach.push(`shares the host's ${what} (no ${type} namespace)`);
  const joined = (spec.linux?.namespaces ?? []).filter((n) => n.path && n.type !== 'network');
  if (joined.length)
    reach.push(`joins namespaces of another process (${joined.map((n) => n.path).join(', ')})`);
  if ((spec.linux?.devices ?? []).length) reach.push("uses the host's devices");
  const caps = spec.process?.capabilities;
  const extra = [
    ...new Set([...(caps?.bounding ?? []), ...(caps?.effective ?? []), ...(caps?.permitted ?? [])]),
  ].filter((c) => !DEFAULT_CAPS.has(c));
  if (extra.length) reach.push(`adds capabilities (${extra.sort().join(', ')})`);
  return reach;
}
