// The command line against the private engine, in-process, through the same services.
import { afterAll, describe, expect, it } from 'vitest';
import { Containers, dockerFor, testbed, uniqueName } from '../../testbed/support';
import type { CliIo } from './cli-io';
import { main } from './main';

const tb = testbed();
const containers = new Containers(dockerFor(tb.dockerHost));
afterAll(() => containers.cleanup());

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: { DOCKER_HOST: tb.dockerHost, ...env },
  };
  return { value, out: () => out.join('\n'), err: () => err.join('\n') };
}

describe('checkpoint-studio CLI', () => {
  it('ps lists a running container, as a table and as JSON', async () => {
    const name = uniqueName('cli-ps');
    await containers.run({ name, image: tb.busyboxImage, cmd: ['sleep', '600'] });
    const t = io();
    expect(await main(['ps'], t.value)).toBe(0);
    expect(t.out()).toMatch(new RegExp(`^${name}\\s+${tb.busyboxImage.replace(/[.]/g, '\\.')}\\s+Up`, 'm'));
    const j = io();
    expect(await main(['ps', '--json'], j.value)).toBe(0);
    const rows = JSON.parse(j.out()) as { name: string; state: string }[];
    expect(rows.find((r) => r.name === name)?.state).toBe('running');
  });

  it('doctor --json exits 0 with nothing blocking here', async () => {
    const t = io();
    expect(await main(['doctor', '--json'], t.value)).toBe(0);
    const report = JSON.parse(t.out()) as { items: { id: string; status: string; detail: string }[] };
    expect(report.items.find((i) => i.id === 'criu.version')?.detail).toMatch(/CRIU 4\.2/);
  });

  it('an engine that is not there: exit 1 and a hint', async () => {
    const t = io({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(await main(['ps'], t.value)).toBe(1);
    expect(t.err()).toContain('No engine socket');
    expect(t.err()).toContain('hint:');
  });

  it('bad usage: exit 64 with the usage text', async () => {
    const t = io();
    expect(await main(['ps', '--bogus'], t.value)).toBe(64);
    expect(t.err()).toContain('usage: checkpoint-studio');
  });
});
