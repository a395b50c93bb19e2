// What the host doctor concludes from what it found. Pure: facts in, items out, so every rule
// (including ones this machine cannot show, like CRIU 3.17 or a rootless engine) is unit-tested.
import type { DoctorItemT, DoctorReportT } from '../ipc/contract';
import type { EngineIdentity } from '../engines/docker/docker-engine';
import type { CriuProbe } from './criu-probe';
import type { EngineCapabilitiesT } from '../ipc/contract';
import { capabilityItems } from '../capabilities/capability-rules';
import { bytes } from '../shared/format';

export interface DoctorFacts {
  criu: CriuProbe;
  kernelRelease: string;
  kernelConfig: { source: string; options: Map<string, string> } | null;
  engine?: {
    id: string;
    name: string;
    host: string;
    local: boolean;
    identity: EngineIdentity | null;
    error?: { message: string; hint?: string };
  };
  /** Folders containerd left behind after restores, on this computer (a local Docker engine). */
  leakedRestores?: { dir: string; count: number; bytes: number };
  /** The engine's measurement (capability probe), when one was asked for. */
  capabilities?: { value: EngineCapabilitiesT | null; measuring: boolean };
  now?: number;
}

export const MIN_CRIU = [4, 2, 0] as const;

export function compareVersions(a: string, b: readonly number[]): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, b.length); i++) {
    const d = (pa[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function kernelMajor(release: string): number {
  return Number.parseInt(release.split('.')[0] ?? '0', 10) || 0;
}

const INSTALL_CRIU =
  "Install CRIU 4.2 or newer: build it from the upstream release (make criu; make install puts it in /usr/local/sbin), or use your distribution's package if it is 4.2+.";

/**
 * CRIU on this computer's PATH. The engine's runtime may run another one (its own PATH, or another
 * host): when the engine's own CRIU was measured, that measurement decides, and these lines only
 * inform.
 */
function criuItems(f: DoctorFacts): DoctorItemT[] {
  const items = localCriuItems(f);
  const engineCriu = f.capabilities?.value?.state === 'measured' ? f.capabilities.value.criu.tcp : null;
  if (!engineCriu || engineCriu.state === 'untested') return items;
  return items.map((i) =>
    i.status === 'blocking'
      ? {
          ...i,
          status: 'warning',
          detail: `${i.detail} (This is the CRIU on this computer's PATH; the engine runs its own, measured below.)`,
        }
      : i,
  );
}

function localCriuItems(f: DoctorFacts): DoctorItemT[] {
  const items: DoctorItemT[] = [];
  const { criu } = f;
  if (!criu.path) {
    items.push({
      id: 'criu.found',
      title: 'CRIU on this computer',
      status: 'blocking',
      detail: 'No criu binary on PATH or in /usr/local/sbin, /usr/sbin, /sbin.',
      fix: INSTALL_CRIU,
    });
    return items;
  }
  items.push({ id: 'criu.found', title: 'CRIU on this computer', status: 'ok', detail: criu.path });
  const v = criu.version;
  if (!v) {
    items.push({
      id: 'criu.version',
      title: 'CRIU version on this computer',
      status: 'warning',
      detail: `${criu.path} --version printed no version.`,
      fix: INSTALL_CRIU,
    });
  } else if (compareVersions(v, MIN_CRIU) >= 0) {
    items.push({
      id: 'criu.version',
      title: 'CRIU version on this computer',
      status: 'ok',
      detail: `CRIU ${v}`,
    });
  } else if (compareVersions(v, [4, 0, 0]) < 0 && kernelMajor(f.kernelRelease) >= 6) {
    items.push({
      id: 'criu.version',
      title: 'CRIU version on this computer',
      status: 'blocking',
      detail: `CRIU ${v} cannot handle the vDSO layout of kernel ${f.kernelRelease} ("vdso: Unexpected rt vDSO area bounds").`,
      fix: `CRIU ${v} cannot handle kernels ≥ 6.x vDSO layout: install 4.2+. ${INSTALL_CRIU}`,
    });
  } else {
    items.push({
      id: 'criu.version',
      title: 'CRIU version on this computer',
      status: 'blocking',
      detail: `CRIU ${v} fails to dump containers with TCP sockets ("Can't get 1:16 opt: Operation not supported"); fixed in 4.2.`,
      fix: INSTALL_CRIU,
    });
  }
  const c = criu.check;
  if (c.ok) {
    items.push({
      id: 'criu.check',
      title: 'criu check on this computer',
      status: 'ok',
      detail: 'Looks good.',
    });
  } else if (c.reason === 'not-root') {
    items.push({
      id: 'criu.check',
      title: 'criu check on this computer',
      status: 'warning',
      detail: 'Not run: criu check needs root, and Checkpoint Studio is not running as root.',
      fix: `Run "sudo ${criu.path} check" yourself, or start the app as root.`,
    });
  } else if (c.ran) {
    const lines = c.output.split('\n').filter((l) => /error|fail|unexpected/i.test(l));
    items.push({
      id: 'criu.check',
      title: 'criu check on this computer',
      status: 'blocking',
      detail:
        (lines.length ? lines : c.output.split('\n')).slice(-5).join('\n') ||
        'criu check failed with no output.',
      fix: /vdso/i.test(c.output)
        ? `This CRIU cannot handle this kernel's vDSO layout: install 4.2+. ${INSTALL_CRIU}`
        : c.reason === 'timeout'
          ? 'criu check did not finish in 30 s; run it by hand to see where it hangs.'
          : `Run "sudo ${criu.path} check --all" for the full list, then fix what it names (usually a kernel option).`,
    });
  }
  return items;
}

function kernelItems(f: DoctorFacts): DoctorItemT[] {
  const cfg = f.kernelConfig;
  if (!cfg) {
    return [
      {
        id: 'kernel.config',
        title: 'Kernel configuration',
        status: 'warning',
        detail: `Neither /proc/config.gz nor /boot/config-${f.kernelRelease} is readable, so kernel options cannot be checked; "criu check" still tests what matters.`,
        fix: 'Load the configs module (modprobe configs) to expose /proc/config.gz.',
      },
    ];
  }
  const items: DoctorItemT[] = [];
  const cr = cfg.options.get('CONFIG_CHECKPOINT_RESTORE');
  items.push(
    cr === 'y'
      ? {
          id: 'kernel.checkpoint_restore',
          title: 'Kernel checkpoint/restore support',
          status: 'ok',
          detail: `CONFIG_CHECKPOINT_RESTORE=y (${cfg.source})`,
        }
      : {
          id: 'kernel.checkpoint_restore',
          title: 'Kernel checkpoint/restore support',
          status: 'blocking',
          detail: `CONFIG_CHECKPOINT_RESTORE is ${cr ?? 'absent'} in ${cfg.source}: CRIU cannot work on this kernel.`,
          fix: 'Boot a kernel built with CONFIG_CHECKPOINT_RESTORE=y (the stock kernels of Debian, Ubuntu and Fedora have it).',
        },
  );
  const sd = cfg.options.get('CONFIG_MEM_SOFT_DIRTY');
  items.push(
    sd === 'y'
      ? {
          id: 'kernel.soft_dirty',
          title: 'Memory change tracking (soft-dirty)',
          status: 'ok',
          detail: 'CONFIG_MEM_SOFT_DIRTY=y: incremental checkpoints (pre-dump) are possible.',
        }
      : {
          id: 'kernel.soft_dirty',
          title: 'Memory change tracking (soft-dirty)',
          status: 'warning',
          detail: `CONFIG_MEM_SOFT_DIRTY is ${sd ?? 'absent'}: CRIU cannot track dirty memory, so incremental (pre-dump) checkpoints are unavailable. Full checkpoints work.`,
          fix: 'Nothing to do for full checkpoints. For incremental ones, boot a kernel with CONFIG_MEM_SOFT_DIRTY=y.',
        },
  );
  return items;
}

function engineItems(f: DoctorFacts): DoctorItemT[] {
  const e = f.engine;
  if (!e) return [];
  const items: DoctorItemT[] = [];
  if (!e.identity) {
    items.push({
      id: 'engine.reachable',
      title: `Engine ${e.name}`,
      status: 'blocking',
      detail: e.error?.message ?? `No answer from ${e.host}.`,
      fix: e.error?.hint ?? 'Start the engine, or check the address in the engine list.',
    });
    return items;
  }
  const id = e.identity;
  items.push({
    id: 'engine.reachable',
    title: `Engine ${e.name}`,
    status: 'ok',
    detail: `${id.kind === 'podman' ? 'Podman' : 'Docker'} ${id.version} (API ${id.apiVersion})${id.containerdVersion ? `, containerd ${id.containerdVersion}` : ''} at ${e.host}`,
  });
  // Podman has no experimental switch (its ping header may say either): it is never the question.
  items.push(
    id.kind === 'podman'
      ? {
          id: 'engine.experimental',
          title: 'Experimental mode',
          status: 'ok',
          detail: 'Podman has checkpoint/restore without an experimental switch.',
        }
      : id.experimental
        ? {
            id: 'engine.experimental',
            title: 'Experimental mode',
            status: 'ok',
            detail: 'On: the checkpoint API is available.',
          }
        : {
            id: 'engine.experimental',
            title: 'Experimental mode',
            status: 'blocking',
            detail: 'Off: the engine answers 501 to every checkpoint request.',
            fix: 'Start dockerd with --experimental, or put "experimental": true in /etc/docker/daemon.json and restart it.',
          },
  );
  const rt = id.defaultRuntime;
  items.push(
    rt === 'runc' || rt === 'crun' || rt.startsWith('io.containerd.runc')
      ? {
          id: 'engine.runtime',
          title: 'Container runtime',
          status: 'ok',
          detail: `${rt} ${id.runtimeVersion}`,
        }
      : {
          id: 'engine.runtime',
          title: 'Container runtime',
          status: 'warning',
          detail: `Default runtime is ${rt} ${id.runtimeVersion}; only runc (and crun built with CRIU) are known to checkpoint.`,
          fix: 'Run the containers you want to checkpoint with --runtime runc.',
        },
  );
  items.push(
    id.rootless
      ? {
          id: 'engine.rootless',
          title: 'Rootful engine',
          status: 'blocking',
          detail: 'The engine runs rootless; CRIU needs root (CAP_SYS_ADMIN) to dump and restore.',
          fix: 'Use a rootful engine (sudo dockerd, or rootful Podman) for containers you want to checkpoint.',
        }
      : { id: 'engine.rootless', title: 'Rootful engine', status: 'ok', detail: 'The engine runs as root.' },
  );
  items.push({
    id: 'engine.cgroup',
    title: 'Control groups',
    status: id.cgroupVersion === '1' || id.cgroupVersion === '2' ? 'ok' : 'warning',
    detail: `cgroup v${id.cgroupVersion}${id.cgroupVersion === '1' ? ' (hybrid or legacy hierarchy)' : ''}`,
    ...(id.cgroupVersion === '1' || id.cgroupVersion === '2'
      ? {}
      : { fix: 'The engine did not say which cgroup version it uses; checkpoints may still work.' }),
  });
  if (f.capabilities) items.push(...capabilityItems(f.capabilities.value, f.capabilities.measuring));
  if (f.leakedRestores) items.push(leakedItem(f.leakedRestores));
  if (!e.local) {
    // What can be known of another host comes through its engine: its kernel as the engine reports
    // it, and its CRIU as the probe measured it (above).
    items.push({
      id: 'engine.kernel',
      title: `Kernel of ${e.name}'s host`,
      status: 'ok',
      detail: `${id.kernel || 'not reported'} (${id.os || 'Linux'}, ${id.arch}), as the engine reports it.`,
    });
    const measured = Boolean(f.capabilities?.value);
    items.push({
      id: 'engine.remote',
      title: 'Where CRIU runs',
      status: measured ? 'ok' : 'warning',
      detail: `${e.name} is on another host: the lines about CRIU and the kernel "on this computer" describe this computer; ${measured ? "the measured lines describe that host's own CRIU, through its engine" : 'that host is not measured yet'}.`,
      ...(measured
        ? {}
        : { fix: 'Measure it (Measure again, or doctor --remeasure) to learn what its CRIU can do.' }),
    });
  }
  return items;
}

export const LEAKED_RESTORES_ID = 'engine.leaked-restores';

function leakedItem(l: { dir: string; count: number; bytes: number }): DoctorItemT {
  if (!l.count)
    return {
      id: LEAKED_RESTORES_ID,
      title: 'Restore leftovers',
      status: 'ok',
      detail: `No folders left behind by containerd's restores in ${l.dir}.`,
    };
  return {
    id: LEAKED_RESTORES_ID,
    title: 'Restore leftovers',
    status: 'warning',
    detail: `containerd left ${l.count} copies of restored checkpoints in ${l.dir} (ctrd-checkpoint…, ${bytes(l.bytes)}): it never removes them, and every Docker restore adds one.`,
    fix: 'Remove them (Remove leftovers here, or checkpoint-studio doctor --clean): only folders no process uses and no restore is writing.',
  };
}

export function buildReport(f: DoctorFacts): DoctorReportT {
  const items = [...criuItems(f), ...kernelItems(f), ...engineItems(f)];
  const summary = { ok: 0, warning: 0, blocking: 0 };
  for (const i of items) summary[i.status]++;
  const report: DoctorReportT = { generatedAt: f.now ?? Date.now(), items, summary };
  if (f.engine) report.engineId = f.engine.id;
  return report;
}
