// The doctor on this machine, with the private engines: CRIU 4.2 built by the test bed, a kernel
// with checkpoint/restore but without soft-dirty tracking, experimental mode on; and on today's
// engines, what each engine itself runs (its CRIU, its runtime), measured through it.
import { afterAll, describe, expect, it } from 'vitest';
import { EventBus } from '../ipc/event-bus';
import { EngineConnection } from '../engines/engine-connection';
import { testbed, testbedEngine } from '../../testbed/support';
import { callOk, closeServices, makeServices } from '../../testbed/services-support';
import { runDoctor } from './doctor';

const conn = new EngineConnection(
  { id: 'testbed', name: 'Test bed', host: testbed().dockerHost },
  new EventBus(),
);
conn.start();
afterAll(() => conn.stop());

describe('host doctor on this machine', () => {
  it('reports CRIU 4.2.x, criu check ok, experimental on, soft-dirty off as a warning', async () => {
    await conn.whenOnline(10_000);
    const report = await runDoctor(conn);
    const byId = Object.fromEntries(report.items.map((i) => [i.id, i]));
    expect(byId['criu.found']?.status).toBe('ok');
    expect(byId['criu.version']).toMatchObject({ status: 'ok' });
    expect(byId['criu.version']?.detail).toMatch(/^CRIU 4\.2\.\d+$/);
    expect(byId['criu.check']).toMatchObject({ status: 'ok', detail: 'Looks good.' });
    expect(byId['kernel.checkpoint_restore']?.status).toBe('ok');
    expect(byId['kernel.soft_dirty']?.status).toBe('warning');
    expect(byId['engine.reachable']?.status).toBe('ok');
    expect(byId['engine.experimental']?.status).toBe('ok');
    expect(byId['engine.runtime']?.detail).toMatch(/^runc /);
    expect(report.summary.blocking).toBe(0);
  });
});

describe("the doctor on today's engines: what the engine itself runs, measured through it", () => {
  async function doctorOf(engine: string) {
    const made = makeServices(
      { engines: [{ id: engine, name: engine, host: testbedEngine(engine) }] },
      'cs-doctor-',
    );
    try {
      await made.services.registry.get(engine).whenOnline(15_000);
      const report = await callOk(made.services, 'doctor.run', { engineId: engine });
      return Object.fromEntries(report.items.map((i) => [i.id, i]));
    } finally {
      await closeServices(made);
    }
  }

  it("Podman 5.4 with trixie's CRIU 4.1.1: green on this computer's CRIU, blocking on the engine's", async () => {
    const d = await doctorOf('p54old');
    // The CRIU on the app's PATH is the test bed's 4.2.1: that is what fooled the old doctor.
    expect(d['criu.version']?.detail).toMatch(/^CRIU 4\.2\.\d+$/);
    expect(d['engine.criu']).toMatchObject({ status: 'blocking' });
    expect(d['engine.criu']?.detail).toMatch(
      /^CRIU 4\.1\.1 cannot checkpoint a process holding a TCP socket/,
    );
    expect(d['engine.runtime']?.detail).toMatch(/^runc 1\.1\.\d+/);
  });

  it('Podman 5.8: its runtime and version are shown, its CRIU measured', async () => {
    const d = await doctorOf('p58');
    expect(d['engine.runtime']?.detail).toMatch(/^runc 1\.3\.\d+/);
    expect(d['engine.reachable']?.detail).toMatch(/^Podman 5\.8\.\d+/);
    expect(d['engine.criu']).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^CRIU 4\.2\.1/) });
    expect(d['engine.loopback.none']?.status).toBe('ok');
  });

  it('Docker 26.1: containerd named; everything measured works', async () => {
    const d = await doctorOf('d26');
    expect(d['engine.reachable']?.detail).toMatch(/^Docker 26\.1\.\d+.*, containerd 1\.7\.\d+/);
    expect(d['engine.measured']).toMatchObject({ status: 'ok' });
    expect(Object.keys(d).filter((k) => k.startsWith('engine.can.'))).toEqual([]);
  });

  it('Docker 28.5: restore and clone on bridge networks fail, named with the upstream issue', async () => {
    const d = await doctorOf('d28');
    expect(d['engine.reachable']?.detail).toMatch(/containerd 2\.1\.\d+/);
    const bridge = d['engine.can.restore.bridge'];
    expect(bridge?.status).toBe('blocking');
    expect(bridge?.detail).toContain('containerd/containerd#12141');
    expect(bridge?.fix).toContain('Works here on the host network.');
    expect(d['engine.can.clone.none']?.status).toBe('blocking');
  });
});
