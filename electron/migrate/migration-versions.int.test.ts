// Migration between Docker versions, both ways: 20.10 ↔ 26.1 ↔ 28.5, each a real engine in its
// own root. A move works — the number printer counts on at the target — or is refused before
// anything is touched on either engine, with the reason (the target was measured unable to
// restore that kind of container). Outcomes go to the compatibility table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkKindT } from '../ipc/contract';
import { StudioError } from '../ipc/errors';
import { recordCompat } from '../../testbed/compat';
import {
  COUNTER_SCRIPT,
  counterValues,
  dockerFor,
  eventually,
  matrixEngines,
  testbed,
  uniqueName,
} from '../../testbed/support';
import { useServices, useTestbed } from '../../testbed/services-support';

const tb = testbed();
const dockers = matrixEngines().filter((m) => m.kind === 'docker');
const byId = Object.fromEntries(dockers.map((m) => [m.id, m]));
const PAIRS: [string, string][] = [
  ['a', 'd26'],
  ['d26', 'a'],
  ['a', 'd28'],
  ['d28', 'a'],
  ['d26', 'd28'],
  ['d28', 'd26'],
];
const short = (id: string) => byId[id]!.label.replace(/ \+.*/, '');

const containers = Object.fromEntries(dockers.map((m) => [m.id, useTestbed(m.host).containers]));
const { services } = useServices(
  { engines: dockers.map((m) => ({ id: m.id, name: short(m.id), host: m.host })) },
  { onlineMs: 15_000, prefix: 'cs-mig-versions-' },
);
/** Per engine and direction: what each pair saw, for one table cell each. */
const seen = new Map<string, { engine: string; outcomes: string[]; refused: string[] }>();

beforeAll(async () => {
  await Promise.all(dockers.map((m) => services.capabilities.ensure(m.id)));
});

afterAll(() => {
  for (const [key, v] of seen) {
    const [, direction, kind] = key.split('|');
    const m = byId[v.engine]!;
    const op = `migrate ${direction} (${kind === 'none' ? 'no network' : 'host network'})`;
    const dir = direction === 'in' ? 'from' : 'to';
    recordCompat(
      m,
      op,
      v.outcomes.length
        ? {
            state: 'works',
            note: `${dir} ${v.outcomes.join(', ')}${v.refused.length ? `; refused up front ${v.refused.join('; ')}` : ''}`,
          }
        : { state: 'refused', reason: v.refused.join('; ') },
    );
  }
});

function note(
  engine: string,
  direction: 'in' | 'out',
  kind: NetworkKindT,
  other: string,
  refusedFor?: string,
) {
  const key = `${engine}|${direction}|${kind}`;
  const v = seen.get(key) ?? { engine, outcomes: [], refused: [] };
  if (refusedFor) v.refused.push(`${direction === 'in' ? 'from' : 'to'} ${short(other)}: ${refusedFor}`);
  else v.outcomes.push(short(other));
  seen.set(key, v);
}

async function snapshot(engine: string): Promise<string> {
  const rows = await dockerFor(byId[engine]!.host).listContainers({ all: true });
  return rows
    .map((r) => `${r.Id} ${r.State}`)
    .sort()
    .join('\n');
}

describe.each(PAIRS)('migrate %s → %s', (from, to) => {
  it.each(['none', 'host'] as const)(
    'the number printer on %s network: counts on at the target, or refused up front',
    async (kind) => {
      const src = containers[from]!;
      const srcDocker = dockerFor(byId[from]!.host);
      const dstDocker = dockerFor(byId[to]!.host);
      const c = await src.run({
        name: uniqueName(`mig-${from}-${to}`),
        image: tb.busyboxImage,
        cmd: ['sh', '-c', COUNTER_SCRIPT],
        network: kind,
      });
      await eventually(async () => (await counterValues(srcDocker, c.id)).length >= 3, 15_000, 'counting');
      const check = await services.migrations.check({
        engineId: from,
        container: c.name,
        to,
        keepSource: true,
      });
      const targetCannot =
        services.capabilities.cached(services.registry.get(to))?.modes[kind]?.clone.state === 'fails';
      if (targetCannot) {
        expect(check.problems.join('\n')).toMatch(/cannot restore it/);
        const before = [await snapshot(from), await snapshot(to)];
        const e = await services.migrations
          .run({ engineId: from, container: c.name, to, keepSource: true })
          .catch((err: unknown) => err);
        expect(e).toBeInstanceOf(StudioError);
        expect((e as StudioError).message).toMatch(/Cannot migrate/);
        expect([await snapshot(from), await snapshot(to)]).toEqual(before);
        expect((await srcDocker.getContainer(c.id).inspect()).State.Running).toBe(true);
        const known = services.capabilities.cached(services.registry.get(to))?.modes[kind]?.clone.known?.ref;
        note(to, 'in', kind, from, known ?? 'the target cannot restore it');
        note(from, 'out', kind, to, known ?? 'the target cannot restore it');
        return;
      }
      // Where the source could not take its checkpoint back, the user is told before the move.
      const sourceCannot =
        services.capabilities.cached(services.registry.get(from))?.modes[kind]?.restore.state === 'fails';
      // (Other warnings, such as an image name that will move on a fresh test bed, are not this one.)
      expect(check.warnings.some((w) => /cannot bring .* back/.test(w))).toBe(sourceCannot);
      const res = await services.migrations.run({ engineId: from, container: c.name, to, keepSource: true });
      containers[to]!.adopt(res.targetContainerId);
      expect(res.ok).toBe(true);
      const last = (await counterValues(srcDocker, c.id)).at(-1)!;
      const onTarget = await eventually(
        async () => {
          const v = await counterValues(dstDocker, res.targetContainerId);
          return v.length >= 2 ? v : undefined;
        },
        15_000,
        'counting on the target',
      );
      expect(onTarget[0]).toBe(last + 1);
      note(to, 'in', kind, from);
      note(from, 'out', kind, to);
    },
  );
});
