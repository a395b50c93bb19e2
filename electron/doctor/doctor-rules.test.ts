import { describe, expect, it } from 'vitest';
import type { EngineIdentity } from '../engines/docker/docker-engine';
import { buildReport, compareVersions, type DoctorFacts } from './doctor-rules';
import { runtimeVersionOf } from '../engines/docker/docker-engine';

const identity: EngineIdentity = {
  kind: 'docker',
  version: '20.10.24',
  apiVersion: '1.41',
  experimental: true,
  os: 'Debian',
  arch: 'x86_64',
  kernel: '6.18.0',
  dataRoot: '/var/lib/docker',
  defaultRuntime: 'runc',
  runtimeVersion: '1.1.5',
  containerdVersion: '1.6.20',
  cgroupVersion: '2',
  rootless: false,
  systemTime: null,
  cpus: null,
};

function facts(patch: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    criu: {
      path: '/usr/local/sbin/criu',
      version: '4.2.1',
      check: { ran: true, ok: true, output: 'Looks good.' },
    },
    kernelRelease: '6.18.44',
    kernelConfig: {
      source: '/proc/config.gz',
      options: new Map([
        ['CONFIG_CHECKPOINT_RESTORE', 'y'],
        ['CONFIG_MEM_SOFT_DIRTY', 'y'],
      ]),
    },
    engine: { id: 'local', name: 'Local', host: 'unix:///var/run/docker.sock', local: true, identity },
    now: 1,
    ...patch,
  };
}

const item = (f: DoctorFacts, id: string) => buildReport(f).items.find((i) => i.id === id);

describe('doctor rules', () => {
  it("counts containerd's restore leftovers as a warning with a fix, and says so when there are none", () => {
    const some = item(
      facts({ leakedRestores: { dir: '/tmp', count: 407, bytes: 21.8 * 2 ** 30 } }),
      'engine.leaked-restores',
    );
    expect(some).toMatchObject({ status: 'warning' });
    expect(some!.detail).toMatch(/407 copies .* \/tmp .*22 GiB/);
    expect(some!.fix).toMatch(/doctor --clean/);
    expect(
      item(facts({ leakedRestores: { dir: '/tmp', count: 0, bytes: 0 } }), 'engine.leaked-restores')?.status,
    ).toBe('ok');
    expect(item(facts(), 'engine.leaked-restores')).toBeUndefined();
  });

  it('a healthy host has nothing to fix', () => {
    const r = buildReport(facts());
    expect(r.summary).toEqual({ ok: r.items.length, warning: 0, blocking: 0 });
  });

  it('no CRIU blocks, with install advice', () => {
    const i = item(
      facts({ criu: { path: null, version: null, check: { ran: false, ok: false, output: '' } } }),
      'criu.found',
    );
    expect(i).toMatchObject({ status: 'blocking' });
    expect(i?.fix).toMatch(/4\.2/);
  });

  it('CRIU 3.17 on a 6.x kernel is blocked for its vDSO handling', () => {
    const f = facts();
    f.criu = { ...f.criu, version: '3.17.1' };
    const i = item(f, 'criu.version');
    expect(i?.status).toBe('blocking');
    expect(i?.fix).toContain('CRIU 3.17.1 cannot handle kernels ≥ 6.x vDSO layout: install 4.2+');
  });

  it('CRIU 4.1 is blocked for the TCP socket bug', () => {
    const f = facts();
    f.criu = { ...f.criu, version: '4.1.1' };
    expect(item(f, 'criu.version')).toMatchObject({ status: 'blocking' });
    expect(item(f, 'criu.version')?.detail).toMatch(/TCP/);
  });

  it('a failing criu check shows its error lines', () => {
    const f = facts();
    f.criu = {
      ...f.criu,
      check: {
        ran: true,
        ok: false,
        output: 'Warn: x\nError (criu/vdso.c:1): vdso: Unexpected rt vDSO area bounds\n',
        reason: 'failed',
      },
    };
    const i = item(f, 'criu.check');
    expect(i?.status).toBe('blocking');
    expect(i?.detail).toContain('Unexpected rt vDSO');
    expect(i?.fix).toMatch(/4\.2/);
  });

  it('not root: criu check is a warning that says how to run it', () => {
    const f = facts();
    f.criu = { ...f.criu, check: { ran: false, ok: false, output: '', reason: 'not-root' } };
    expect(item(f, 'criu.check')).toMatchObject({ status: 'warning' });
    expect(item(f, 'criu.check')?.fix).toContain('sudo /usr/local/sbin/criu check');
  });

  it('soft-dirty off is a warning, not a blocker', () => {
    const f = facts({
      kernelConfig: {
        source: '/proc/config.gz',
        options: new Map([
          ['CONFIG_CHECKPOINT_RESTORE', 'y'],
          ['CONFIG_MEM_SOFT_DIRTY', 'n'],
        ]),
      },
    });
    expect(item(f, 'kernel.soft_dirty')?.status).toBe('warning');
    expect(buildReport(f).summary.blocking).toBe(0);
  });

  it('a kernel without CHECKPOINT_RESTORE blocks', () => {
    const f = facts({ kernelConfig: { source: '/boot/config', options: new Map() } });
    expect(item(f, 'kernel.checkpoint_restore')?.status).toBe('blocking');
  });

  it('experimental off blocks with the flag to add', () => {
    const f = facts();
    f.engine!.identity = { ...identity, experimental: false };
    const i = item(f, 'engine.experimental');
    expect(i?.status).toBe('blocking');
    expect(i?.fix).toContain('--experimental');
  });

  it('a rootless engine blocks', () => {
    const f = facts();
    f.engine!.identity = { ...identity, rootless: true };
    expect(item(f, 'engine.rootless')?.status).toBe('blocking');
  });

  it('an unreachable engine blocks and passes on the hint', () => {
    const f = facts();
    f.engine = {
      ...f.engine!,
      identity: null,
      error: { message: 'No engine socket', hint: 'Start dockerd' },
    };
    expect(item(f, 'engine.reachable')).toMatchObject({
      status: 'blocking',
      detail: 'No engine socket',
      fix: 'Start dockerd',
    });
  });

  it('a remote engine: local CRIU facts do not describe it; its kernel comes through the engine', () => {
    const f = facts();
    f.engine = { ...f.engine!, local: false, host: 'tcp://server:2376' };
    // Not measured yet: a warning that says how to measure it.
    expect(item(f, 'engine.remote')).toMatchObject({
      status: 'warning',
      fix: expect.stringMatching(/Measure/),
    });
    expect(item(f, 'engine.kernel')?.detail).toContain(f.engine.identity!.kernel);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('4.10', [4, 2, 0])).toBeGreaterThan(0);
    expect(compareVersions('4.2', [4, 2, 0])).toBe(0);
    expect(compareVersions('3.17.1', [4, 2, 0])).toBeLessThan(0);
  });

  it("names containerd's version beside the engine's", () => {
    expect(item(facts(), 'engine.reachable')?.detail).toMatch(
      /^Docker 20\.10\.24 \(API 1\.41\), containerd 1\.6\.20 at /,
    );
  });

  it("reads Podman's runtime version from its multi-line component", () => {
    expect(runtimeVersionOf('runc version 1.3.6+ds1\ncommit: 1.3.6+ds1-1\nspec: 1.2.1')).toBe('1.3.6+ds1');
    expect(runtimeVersionOf('crun version 1.21\ncommit: abc')).toBe('1.21');
    expect(runtimeVersionOf('1.1.15')).toBe('1.1.15');
  });

  it("a bad CRIU on this computer's PATH only warns once the engine's own CRIU was measured to work", () => {
    const old = facts();
    old.criu = { ...old.criu, version: '3.17.1' };
    expect(item(old, 'criu.version')?.status).toBe('blocking');
    old.capabilities = {
      measuring: false,
      value: {
        engineId: 'local',
        key: 'k',
        engine: 'Docker 26.1.5, containerd 1.7.24, runc 1.1.15',
        state: 'measured',
        reason: null,
        measuredAt: 1,
        durationMs: 1,
        criu: { tcp: { state: 'works', detail: null, known: null }, version: null },
        modes: { none: null, host: null, bridge: null },
      },
    };
    const i = item(old, 'criu.version')!;
    expect(i.status).toBe('warning');
    expect(i.detail).toMatch(/the engine runs its own, measured below/);
    expect(item(old, 'engine.criu')?.status).toBe('ok');
  });
});
