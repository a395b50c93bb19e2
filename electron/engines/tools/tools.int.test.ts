// The helper program itself (both architectures, x86-64 natively and arm64 under qemu), and the
// tools image on every engine of the matrix: imported through the API, run, and able to bring a
// container's loopback up from beside it.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DockerEngine } from '../docker/docker-engine';
import { matrixEngines } from '../../../testbed/support';
import { LO_BROUGHT_UP, LO_WAS_UP, toolProgram, type ToolArch } from './tool-program';
import { ensureToolsImage, removeTool, runTool, startTool } from './tools-image';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-tool-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function binary(arch: ToolArch): string[] {
  const file = path.join(dir, `cs-tool-${arch}`);
  fs.writeFileSync(file, toolProgram(arch), { mode: 0o755 });
  return arch === 'x86_64' ? [file] : ['qemu-aarch64-static', file];
}

/** Runs a shell script in a fresh network namespace (its loopback starts down). */
function inFreshNetns(script: string, ...args: string[]): string {
  return execFileSync('unshare', ['-n', 'sh', '-c', script, 'sh', ...args], { encoding: 'utf8' });
}

describe.each(['x86_64', 'aarch64'] as const)('cs-tool for %s', (arch) => {
  it('lo: brings a loopback up (exit 3), then finds it up (exit 0)', () => {
    const [cmd, ...pre] = binary(arch);
    const out = inFreshNetns(`"$@" lo; a=$?; "$@" lo; b=$?; echo "$a $b"; ip -o link show lo`, cmd!, ...pre);
    expect(out.split('\n')[0]).toBe(`${LO_BROUGHT_UP} ${LO_WAS_UP}`);
    expect(out).toMatch(/<LOOPBACK,UP/);
  });

  it('tcp: listens on 127.0.0.1 and keeps running; no argument: sleeps', async () => {
    const [cmd, ...pre] = binary(arch);
    const out = inFreshNetns(
      `"$@" lo >/dev/null; "$@" tcp & p=$!; sleep 0.5; cat /proc/net/tcp; kill -0 $p && echo alive; kill $p`,
      cmd!,
      ...pre,
    );
    // 0100007F = 127.0.0.1, state 0A = LISTEN
    expect(out).toMatch(/0100007F:[0-9A-F]{4} 00000000:0000 0A/);
    expect(out).toContain('alive');
    const idle = spawn(cmd!, pre.length ? [pre[0]!] : []);
    await new Promise((r) => setTimeout(r, 300));
    expect(idle.exitCode).toBeNull();
    idle.kill();
  });
});

describe.each(matrixEngines())('tools image on $id ($label)', (m) => {
  const engine = new DockerEngine({ id: `t-${m.id}`, name: m.id, host: m.host });

  it('is imported once and runs; lo beside a container reports its loopback', async () => {
    const { arch } = await engine.identify();
    const image = await ensureToolsImage(engine, arch);
    expect(await ensureToolsImage(engine, arch)).toBe(image);
    const idle = await startTool(engine, { image, args: [], networkMode: 'none', role: 'test' });
    try {
      const lo = await runTool(engine, {
        image,
        args: ['lo'],
        networkMode: `container:${idle}`,
        capAdd: ['NET_ADMIN'],
        role: 'test',
      });
      expect(lo.exitCode).toBe(LO_WAS_UP);
    } finally {
      await removeTool(engine, idle);
    }
  });
});
