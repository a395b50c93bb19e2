import { describe, expect, it } from 'vitest';
import { importableHostConfig, specHostReach } from './import-policy';

describe("a Docker archive's host settings", () => {
  it('keeps what describes the container, and names what reaches the host', () => {
    const { hostConfig, hostReach } = importableHostConfig({
      NetworkMode: 'none',
      Memory: 1 << 28,
      Binds: ['/etc:/host-etc:ro', 'data:/data'],
      Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock' }, { Type: 'tmpfs' }],
      Privileged: true,
      Devices: [{ PathOnHost: '/dev/sda' }],
      CapAdd: ['SYS_ADMIN', 'CHOWN'],
      PidMode: 'host',
      IpcMode: 'container:abc',
      CgroupParent: '/evil',
      SecurityOpt: ['seccomp=unconfined'],
      LogConfig: { Type: 'syslog', Config: { 'syslog-address': 'udp://192.0.2.1:514' } },
    });
    expect(hostReach).toEqual([
      'binds host folders (/etc)',
      'mounts bind /var/run/docker.sock',
      'runs privileged',
      "uses the host's devices",
      'adds capabilities (CAP_SYS_ADMIN)',
      "shares the host's processes (PidMode host)",
      "shares another container's IPC (IpcMode container:abc)",
      'names a cgroup parent (/evil)',
      'loosens its confinement (seccomp=unconfined)',
    ]);
    // Only the container's own settings travel; a log driver aimed elsewhere does not.
    expect(hostConfig).toEqual({
      NetworkMode: 'none',
      Memory: 1 << 28,
      Binds: ['data:/data'],
      Mounts: [{ Type: 'tmpfs' }],
    });
  });

  it('an ordinary container reaches nothing', () => {
    expect(importableHostConfig({ NetworkMode: 'bridge', RestartPolicy: { Name: 'no' } }).hostReach).toEqual(
      [],
    );
  });
});

describe("a Podman archive's spec", () => {
  const ns = ['pid', 'ipc', 'uts', 'mount', 'network'].map((type) => ({ type }));
  const own = [
    {
      destination: '/etc/hosts',
      type: 'bind',
      source: '/run/containers/storage/overlay-containers/x/userdata/hosts',
      options: ['bind'],
    },
    {
      destination: '/dev/shm',
      type: 'bind',
      source: '/var/lib/containers/storage/overlay-containers/x/userdata/shm',
      options: ['bind'],
    },
    { destination: '/proc', type: 'proc', source: 'proc' },
  ];
  it("accepts Podman's own binds and namespaces", () => {
    expect(specHostReach({ mounts: own, linux: { namespaces: ns } })).toEqual([]);
  });
  it('names host binds (whatever the type says), missing namespaces, devices and capabilities', () => {
    expect(
      specHostReach({
        mounts: [...own, { destination: '/host', type: 'none', source: '/', options: ['rbind'] }],
        linux: { namespaces: ns.filter((n) => n.type !== 'pid'), devices: [{ path: '/dev/sda' }] },
        process: { capabilities: { bounding: ['CAP_CHOWN', 'CAP_SYS_ADMIN'] } },
      }),
    ).toEqual([
      'binds / from the host at /host',
      "shares the host's processes (no pid namespace)",
      "uses the host's devices",
      'adds capabilities (CAP_SYS_ADMIN)',
    ]);
  });
});
