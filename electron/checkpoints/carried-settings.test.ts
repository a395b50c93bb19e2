import type { ContainerInspectInfo } from 'dockerode';
import { describe, expect, it } from 'vitest';
import { carriedSettings } from './carried-settings';

const info = (HostConfig: Record<string, unknown>) => ({ HostConfig }) as unknown as ContainerInspectInfo;

describe('settings a clone carries over', () => {
  it('names what reaches beyond the container', () => {
    expect(
      carriedSettings(
        info({
          Binds: ['/srv/data:/data:ro', 'cache:/cache'],
          Mounts: [{ Type: 'bind', Source: '/run/docker.sock', Target: '/var/run/docker.sock' }],
          Privileged: true,
          CapAdd: ['NET_ADMIN', 'SYS_PTRACE'],
          Devices: [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse' }],
          SecurityOpt: ['seccomp=unconfined', 'label=type:x'],
          PidMode: 'host',
          NetworkMode: 'host',
        }),
      ),
    ).toEqual([
      "bind mount of the host's /srv/data at /data (read-only)",
      'volume cache at /cache, shared with the source',
      "bind mount of the host's /run/docker.sock at /var/run/docker.sock",
      'privileged: every capability and every device of the host',
      'added capabilities: NET_ADMIN, SYS_PTRACE',
      "the host's device /dev/fuse at /dev/fuse",
      'security option seccomp=unconfined',
      "the host's processes",
      "the host's network",
    ]);
  });

  it('a plain container carries nothing worth saying', () => {
    expect(carriedSettings(info({ NetworkMode: 'none', PortBindings: {} }))).toEqual([]);
  });
});
