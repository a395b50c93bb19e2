import { describe, expect, it } from 'vitest';
import type { CapabilityOutcomeT, EngineCapabilitiesT, ModeCapabilitiesT } from '../ipc/contract';
import { capabilityItems, kindsThatWork, loopbackComesBackDown, refusal } from './capability-rules';
import { knownIssue } from './known-issues';

const works: CapabilityOutcomeT = { state: 'works', detail: null, known: null };
const containerdBug = 'bind-mount /proc/0/ns/net -> /run/docker/netns/3f: no such file or directory';
const fails: CapabilityOutcomeT = { state: 'fails', detail: containerdBug, known: knownIssue(containerdBug) };

function mode(network: string, patch: Partial<ModeCapabilitiesT> = {}): ModeCapabilitiesT {
  return {
    network,
    checkpoint: works,
    restore: works,
    clone: works,
    loopbackAfterRestore: 'up',
    loopbackAfterClone: 'up',
    ...patch,
  };
}

/** As measured on Docker 28.5 + containerd 2.1.9. */
const d28: EngineCapabilitiesT = {
  engineId: 'd28',
  key: 'docker | 28.5.2',
  engine: 'Docker 28.5.2, containerd 2.1.9, runc 1.3.6',
  state: 'measured',
  reason: null,
  measuredAt: Date.UTC(2026, 10, 29),
  durationMs: 2400,
  criu: { tcp: works, version: null },
  modes: {
    none: mode('none', {
      restore: fails,
      clone: fails,
      loopbackAfterRestore: 'unknown',
      loopbackAfterClone: 'unknown',
    }),
    host: mode('host'),
    bridge: mode('cs-net', { restore: fails, clone: fails }),
  },
};

/** As measured on Podman 5.8. */
const p58: EngineCapabilitiesT = {
  ...d28,
  engineId: 'p58',
  engine: 'Podman 5.8.6, runc 1.3.6',
  criu: { tcp: works, version: '4.2.1' },
  modes: {
    none: mode('none', { loopbackAfterRestore: 'down', loopbackAfterClone: 'down' }),
    host: mode('host'),
    bridge: mode('cs-net'),
  },
};

const subject = { container: 'cache', engine: 'Laptop' };

describe('refusals from a measurement', () => {
  it('refuses what failed, naming the known issue and what works on this engine', () => {
    const r = refusal(d28, 'bridge', 'restore', subject)!;
    expect(r.message).toMatch(
      /^Laptop cannot restore cache: restoring a container on a bridge network fails on this engine \(Docker 28\.5\.2.*measured 2026-11-29\)\. Nothing was stopped or created\.$/,
    );
    expect(r.hint).toContain('containerd/containerd#12141');
    expect(r.hint).toContain('What works on this engine: restoring containers on the host network.');
    expect(r.details).toEqual([containerdBug]);
  });

  it('offers a migration to an engine measured able to take it', () => {
    const r = refusal(d28, 'none', 'clone', subject, [
      { engine: 'Old server', caps: p58 },
      { engine: 'Never measured', caps: null },
    ])!;
    expect(r.hint).toContain('Or migrate it to Old server, which can restore containers with no network.');
    expect(r.hint).not.toContain('Never measured');
  });

  it('lets through what works, what was never measured, and network kinds it does not cover', () => {
    expect(refusal(d28, 'host', 'restore', subject)).toBeNull();
    expect(refusal(null, 'bridge', 'restore', subject)).toBeNull();
    expect(refusal(d28, 'other', 'restore', subject)).toBeNull();
    expect(refusal({ ...d28, state: 'unavailable' }, 'bridge', 'restore', subject)).toBeNull();
  });

  it('knows where each operation works', () => {
    expect(kindsThatWork(d28, 'clone')).toEqual(['host']);
    expect(kindsThatWork(p58, 'clone')).toEqual(['none', 'host', 'bridge']);
  });
});

describe('the loopback', () => {
  it('is repaired where it was measured down, left alone where up, undecided where unmeasured', () => {
    expect(loopbackComesBackDown(p58, 'none', 'restore')).toBe(true);
    expect(loopbackComesBackDown(p58, 'bridge', 'clone')).toBe(false);
    expect(loopbackComesBackDown(d28, 'none', 'restore')).toBeNull();
    expect(loopbackComesBackDown(null, 'none', 'clone')).toBeNull();
  });
});

describe("the doctor's lines about an engine", () => {
  it('Docker 28: blocking lines for what fails, with the issue and what works instead', () => {
    const items = capabilityItems(d28, false);
    const restoreBridge = items.find((i) => i.id === 'engine.can.restore.bridge')!;
    expect(restoreBridge.status).toBe('blocking');
    expect(restoreBridge.detail).toContain('containerd/containerd#12141');
    expect(restoreBridge.fix).toContain('Works here on the host network.');
    expect(items.find((i) => i.id === 'engine.measured')?.detail).toMatch(/work on the host network\.$/);
    expect(items.find((i) => i.id === 'engine.criu')?.status).toBe('ok');
  });

  it('Podman 5.8: all works; the loopback it leaves down is said, and handled', () => {
    const items = capabilityItems(p58, false);
    expect(items.filter((i) => i.status !== 'ok')).toEqual([]);
    expect(items.find((i) => i.id === 'engine.criu')?.detail).toMatch(/^CRIU 4\.2\.1 checkpointed/);
    expect(items.find((i) => i.id === 'engine.loopback.none')?.detail).toMatch(/brings it up again/);
  });

  it("an engine whose CRIU cannot dump a TCP socket blocks, and says it is the engine's CRIU", () => {
    const old = "sockets: Can't get 1:16 opt: Operation not supported";
    const items = capabilityItems(
      { ...p58, criu: { tcp: { state: 'fails', detail: old, known: knownIssue(old) }, version: '4.1.1' } },
      false,
    );
    const criu = items.find((i) => i.id === 'engine.criu')!;
    expect(criu.status).toBe('blocking');
    expect(criu.detail).toMatch(/^CRIU 4\.1\.1 cannot checkpoint a process holding a TCP socket/);
    expect(criu.fix).toMatch(/not necessarily the one the engine uses/);
  });

  it('not measured yet, or not measurable: a warning that says why', () => {
    expect(capabilityItems(null, true)[0]).toMatchObject({
      status: 'warning',
      detail: expect.stringMatching(/Being measured/),
    });
    expect(
      capabilityItems({ ...d28, state: 'unavailable', reason: 'experimental mode is off' }, false)[0]?.detail,
    ).toBe('Not measured: experimental mode is off.');
  });
});
