// The capability probe against every engine of the matrix: it measures, it finds what is known to
// differ between them (Docker 28 + containerd 2.1 cannot restore a networked container; Podman 5
// brings a container with no network back with its loopback down; trixie's CRIU 4.1.1 cannot dump
// a TCP socket), and it leaves nothing behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Services } from '../app/services';
import { dockerFor, matrixEngines, testbedEngine } from '../../testbed/support';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function measure(id: string, host: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-probe-'));
  dirs.push(dataDir);
  const services = new Services({ engines: [{ id: 'e', name: id, host }], dataDir, host: 'browser' });
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
