// An engine with experimental mode off (the test bed's "plain" dockerd): detected up front from
// what the engine itself says, refused with the fix before any checkpoint request is sent, and
// the engine's own 501 is translated the same way if one is sent anyway.
import { describe, expect, it } from 'vitest';
import { createCheckpoint } from '../engines/docker/docker-checkpoints';
import { StudioError } from '../ipc/errors';
import { runDoctor } from '../doctor/doctor';
import { plainEngine, testbed } from '../../testbed/support';
import { useServices, useTestbed } from '../../testbed/services-support';

const host = plainEngine();
const { docker, containers } = useTestbed(host);
const { services } = useServices({ engines: [{ id: 'plain', name: 'Plain', host }] });

describe('experimental mode off', () => {
  it('is known from the moment the engine connects', () => {
    expect(services.registry.get('plain').status).toMatchObject({ state: 'online', experimental: false });
  });

  it('a checkpoint is refused with the fix, and the container keeps running', async () => {
    const c = await containers.run({ image: testbed().busyboxImage, cmd: ['sleep', '600'] });
    const res = await services.dispatcher.dispatch('checkpoints.create', {
      engineId: 'plain',
      container: c.id,
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'experimental-off' } });
    if (!res.ok) expect(res.error.hint).toContain('--experimental');
    expect((await docker.getContainer(c.id).inspect()).State.Running).toBe(true);
    expect(services.catalog.list('plain')).toEqual([]);
  });

  it("the engine's own 501 means the same thing", async () => {
    const c = await containers.run({ image: testbed().busyboxImage, cmd: ['sleep', '600'] });
    const err = await createCheckpoint(services.registry.get('plain').engine, c.id, 'x1', {
      exit: false,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('experimental-off');
  });

  it('the doctor calls it blocking and says how to turn it on', async () => {
    const report = await runDoctor(services.registry.get('plain'));
    const item = report.items.find((i) => i.id === 'engine.experimental');
    expect(item?.status).toBe('blocking');
    expect(item?.fix).toContain('--experimental');
  });
});
