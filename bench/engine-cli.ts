// The engine's own command line, as a user would type it: its docker or podman binary, run inside
// the engine's root for today's engines (their own mount namespace), with the test bed's storage
// and configuration for Podman. Shared by the benchmarks that compare the app with it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testbed, type MatrixEngine } from '../testbed/support';

const tb = testbed();
const env = process.env;

export function exec(file: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(file, args, { env: { ...env, ...extraEnv }, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`${path.basename(file)} ${args.join(' ')}: ${stderr || err.message}`))
        : resolve(stdout.trim()),
    ),
  );
}

/** The engine's own command line: its docker or podman binary, inside its root for today's engines. */
export function ownCli(m: MatrixEngine): { run: (args: string[]) => Promise<string>; scratch: string } {
  const up = m.id.toUpperCase();
  if (m.kind === 'docker') {
    const ns = env[`CS_TESTBED_ENGINE_${up}_NS`];
    return {
      run: (args) =>
        ns
          ? exec('nsenter', [`--mount=${ns}`, '--', 'docker', '-H', m.host, ...args])
          : exec(tb.dockerCli, args, { DOCKER_HOST: m.host }),
      scratch: os.tmpdir(),
    };
  }
  const p = m.id === 'podman' ? 'CS_TESTBED_PODMAN' : `CS_TESTBED_PODMAN_${up}`;
  const root = env[`${p}_ROOT`]!;
  const podmanArgs = ['--root', root, '--runroot', env[`${p}_RUNROOT`]!];
  const podmanEnv = {
    CONTAINERS_CONF: env[`${p}_CONF`]!,
    PATH: env[`${p}_PATH`]!,
    PODMAN_IGNORE_CGROUPSV1_WARNING: '1',
  };
  const ns = env[`${p}_NS`];
  // A folder both this process and the root's namespace see under one name.
  const scratch = path.join(path.dirname(root), 'bench');
  fs.mkdirSync(scratch, { recursive: true });
  return {
    run: (args) =>
      ns
        ? exec('nsenter', [
            `--mount=${ns}`,
            '--',
            'env',
            ...Object.entries(podmanEnv).map(([k, v]) => `${k}=${v}`),
            'podman',
            ...podmanArgs,
            ...args,
          ])
        : exec('podman', [...podmanArgs, ...args], podmanEnv),
    scratch,
  };
}
