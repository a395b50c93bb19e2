// The capability probe against every engine of the matrix: it measures, it finds what is known to
// differ between them (Docker 28 + containerd 2.1 cannot restore a networked container; Podman 5
// brings a container with no network back with its loopback down; trixie's CRIU 4.1.1 cannot dump
// a TCP socket), and it leaves nothing behind.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import type { CheckpointBackend } from '../checkpoints/backends/backend';
import { probeEngine } from './capability-probe';
import { dockerFor, matrixEngines, testbedEngine } from '../../testbed/support';
import { useTempDirs } from '../../testbed/services-support';

const tmpDir = useTempDirs('cs-probe-');

async function measure(id: string, host: string) {
  const dataDir = tmpDir();
  const services = new Services({ engines: [{ id: 'e', name: id, host }], dataDir, host: 'headless' });
  try {
    await services.registry.get('e').whenOnline(15_000);
    const before = (await dockerFor(host).listContainers({ all: true })).map((c) => c.Id).sort();
    const caps = await services.capabilities.ensure('e');
    const after = (await dockerFor(host).listContainers({ all: true })).map((c) => c.Id).sort();
    // Cached: the second ask measures nothing.
    expect(await services.capabilities.ensure('e')).toEqual(caps);
    const archives = path.join(dataDir, 'podman-checkpoints');
    const leftArchives = fs.existsSync(archives)
      ? fs.readdirSync(archives, { recursive: true }).filter((f) => String(f).endsWith('.tar'))
      : [];
    return { caps: caps!, before, after, leftArchives };
  } finally {
    services.dispose();
  }
}

describe.each(matrixEngines())('capability probe on $id ($label)', (m) => {
  it('measures checkpoint, restore and clone per network kind, and leaves nothing behind', async () => {
    const { caps, before, after, leftArchives } = await measure(m.id, m.host);
    const summary = Object.entries(caps.modes).map(
      ([k, v]) =>
        `${k}(${v?.network}): ${v ? `${v.checkpoint.state}/${v.restore.state}/${v.clone.state} lo ${v.loopbackAfterRestore}/${v.loopbackAfterClone}` : '-'}`,
    );
    console.log(`${m.id} ${caps.durationMs} ms, criu ${caps.criu.version}: ${summary.join('; ')}`);
    expect(caps.state).toBe('measured');
    expect(after).toEqual(before);
    expect(leftArchives).toEqual([]);
    expect(caps.criu.tcp.state).toBe('works');
    for (const kind of ['none', 'host'] as const) expect(caps.modes[kind]?.checkpoint.state).toBe('works');
  });
});

describe('an engine whose CRIU is too old', () => {
  it("p54old (trixie's own CRIU 4.1.1): the TCP dump fails, with the version from CRIU's log", async () => {
    const { caps } = await measure('p54old', testbedEngine('p54old'));
    expect(caps.criu.tcp.state).toBe('fails');
    expect(caps.criu.version).toBe('4.1.1');
  });
});

// A CRIU that hangs cannot be made on demand on every kernel (trixie's 4.1.1 does on 6.18, and the
// test bed limits it so that p54old stays usable): the real engine and backend, with checkpoints
// that never answer.
describe('a CRIU that hangs', () => {
  it('counts a step that does not finish as failed, and the clean-up does not hold the verdict', async () => {
    const host = testbedEngine('a');
    const dataDir = tmpDir();
    const services = new Services({ engines: [{ id: 'e', name: 'a', host }], dataDir, host: 'headless' });
    try {
      const conn = services.registry.get('e');
      await conn.whenOnline(15_000);
      const before = (await dockerFor(host).listContainers({ all: true })).map((c) => c.Id).sort();
      const real = services.checkpoints.backend(conn);
      const hung: CheckpointBackend = Object.assign(Object.create(real) as CheckpointBackend, {
        create: () => new Promise<never>(() => undefined),
      });
      const started = Date.now();
      const caps = await probeEngine({ conn, backend: hung, stepMs: 3_000 });
      const took = Date.now() - started;
      expect(caps.state).toBe('measured');
      expect(caps.criu.tcp.state).toBe('fails');
      expect(caps.criu.tcp.detail).toMatch(/did not finish a checkpoint within 3 s: it hangs/);
      for (const kind of ['none', 'host'] as const) {
        expect(caps.modes[kind]?.checkpoint.state).toBe('fails');
        expect(caps.modes[kind]?.restore.state).toBe('untested');
      }
      // One deadline for the steps, one at most for the clean-up: not a wait for ever.
      expect(took).toBeLessThan(3 * 3_000 + 15_000);
      // The probe's containers are still removed.
      const deadlineAt = Date.now() + 30_000;
      let after: string[] = [];
      while (Date.now() < deadlineAt) {
        after = (await dockerFor(host).listContainers({ all: true })).map((c) => c.Id).sort();
        if (after.join() === before.join()) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(after).toEqual(before);
    } finally {
      services.dispose();
    }
  });
});
