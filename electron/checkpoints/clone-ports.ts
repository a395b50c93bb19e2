// Host ports for N clones of a container that publishes some: the engine's pick, a range the
// user gave (checked against what containers and, on this machine, any process already hold), or
// none.
import net from 'node:net';
import type { PortPlanT } from '../ipc/contract';

export type PortBindings = Record<string, { HostIp?: string; HostPort?: string }[] | null>;

/** Host ports for each clone, or the problem that prevents it. */
export function assignPorts(
  plan: PortPlanT,
  sourceBindings: PortBindings,
  count: number,
  usedPorts: Set<number>,
): { perClone: PortBindings[]; problem?: string } {
  const keys = Object.keys(sourceBindings).filter((k) => (sourceBindings[k] ?? []).length > 0);
  const perClone: PortBindings[] = [];
  if (plan.mode === 'none' || keys.length === 0) {
    for (let i = 0; i < count; i++) perClone.push({});
    return { perClone };
  }
  if (plan.mode === 'auto') {
    // The engine picks a free host port for each: nothing to clash.
    for (let i = 0; i < count; i++) {
      perClone.push(
        Object.fromEntries(
          keys.map((k) => [
            k,
            (sourceBindings[k] ?? []).map((b) => ({ HostIp: b.HostIp ?? '', HostPort: '' })),
          ]),
        ),
      );
    }
    return { perClone };
  }
  if (plan.from > plan.to) return { perClone, problem: `the port range ${plan.from}–${plan.to} is empty` };
  const needed = count * keys.reduce((n, k) => n + (sourceBindings[k] ?? []).length, 0);
  const free: number[] = [];
  for (let p = plan.from; p <= plan.to && free.length < needed; p++) if (!usedPorts.has(p)) free.push(p);
  if (free.length < needed) {
    return {
      perClone,
      problem: `the port range ${plan.from}–${plan.to} has ${free.length} free port${free.length === 1 ? '' : 's'}; ${count} clone${count === 1 ? '' : 's'} need ${needed}`,
    };
  }
  for (let i = 0; i < count; i++) {
    perClone.push(
      Object.fromEntries(
        keys.map((k) => [
          k,
          (sourceBindings[k] ?? []).map((b) => ({ HostIp: b.HostIp ?? '', HostPort: String(free.shift()) })),
        ]),
      ),
    );
  }
  return { perClone };
}

/** Whether a TCP port can be bound on this host right now (every address, as the engine would). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '0.0.0.0', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}
