// Against the private engine: the live list follows real containers through the event stream,
// and survives the engine going away and coming back.
import { afterEach, describe, expect, it } from 'vitest';
import type { ContainersChangedT, EngineStatusT } from '../ipc/contract';
import { EventBus } from '../ipc/event-bus';
import { COUNTER_SCRIPT, eventually, SocketRelay } from '../../testbed/support';
import { useTestbed } from '../../testbed/services-support';
import { EngineConnection } from './engine-connection';

const { tb, containers } = useTestbed();

function watch(host: string) {
  const bus = new EventBus();
  const changes: ContainersChangedT[] = [];
  const statuses: EngineStatusT[] = [];
  bus.on('containers.changed', (c) => changes.push(c));
  bus.on('engines.statusChanged', (s) => statuses.push(s));
  const conn = new EngineConnection({ id: 'testbed', name: 'Test bed', host }, bus);
  conn.start();
  return { conn, changes, statuses };
}

let live: EngineConnection | null = null;
afterEach(() => live?.stop());

describe('live container list (private engine)', () => {
  it('sees a container appear, stop and go, through the event stream', async () => {
    const w = watch(tb.dockerHost);
    live = w.conn;
    expect(await w.conn.whenOnline(10_000)).toBe(true);
    expect(w.conn.status).toMatchObject({ state: 'online', kind: 'docker', experimental: true });
    const snapshotCount = w.changes.filter((c) => c.kind === 'snapshot').length;

    const { id, name } = await containers.run({ image: tb.busyboxImage, cmd: ['sh', '-c', COUNTER_SCRIPT] });
    // Appears through an event, not a re-list.
    const appeared = await eventually(
      () =>
        w.changes.find(
          (c) => c.kind === 'delta' && c.upserts.some((u) => u.id === id && u.state === 'running'),
        ),
      10_000,
      'a delta with the running container',
    );
    const row = appeared.upserts.find((u) => u.id === id)!;
    expect(row).toMatchObject({ name, image: tb.busyboxImage, state: 'running', engineId: 'testbed' });
    expect(row.startedAt).toBeGreaterThan(Date.now() - 60_000);
    expect(w.conn.list().some((c) => c.id === id)).toBe(true);

    await containers.docker.getContainer(id).stop({ t: 0 });
    await eventually(
      () => w.conn.list().find((c) => c.id === id && c.state === 'exited'),
      10_000,
      'exited state',
    );
    expect(w.conn.list().find((c) => c.id === id)?.startedAt).toBeNull();

    await containers.docker.getContainer(id).remove();
    await eventually(() => w.changes.some((c) => c.removals.includes(id)), 10_000, 'removal');
    expect(w.conn.list().some((c) => c.id === id)).toBe(false);
    // All of that without taking the list again.
    expect(w.changes.filter((c) => c.kind === 'snapshot').length).toBe(snapshotCount);
  });

  it('goes offline when the engine goes away, reconnects when it is back, and catches up', async () => {
    const relay = new SocketRelay(tb.dockerHost);
    await relay.up();
    const w = watch(relay.host);
    live = w.conn;
    try {
      expect(await w.conn.whenOnline(10_000)).toBe(true);
      await relay.down();
      await eventually(() => w.conn.status.state === 'offline', 10_000, 'offline');
      expect(w.conn.status.error).toBeTruthy();
      expect(w.conn.status.hint).toBeTruthy();

      // A change made while the app could not see the engine…
      const { id } = await containers.run({ image: tb.busyboxImage, cmd: ['sleep', '600'] });
      await relay.up();
      await eventually(() => w.conn.status.state === 'online', 15_000, 'back online');
      // …is there after the reconnect, from a fresh snapshot.
      await eventually(
        () => w.conn.list().find((c) => c.id === id && c.state === 'running'),
        10_000,
        'container seen after reconnect',
      );
      expect(w.statuses.map((s) => s.state)).toEqual(expect.arrayContaining(['online', 'offline']));
    } finally {
      await relay.down();
    }
  });
});

describe('an engine that stops answering', () => {
  it('is shown unreachable, does not hold up another engine, and recovers by itself', async () => {
    const relay = new SocketRelay(tb.dockerHost);
    await relay.up();
    const hung = watch(relay.host);
    const other = watch(tb.dockerHost);
    try {
      expect(await hung.conn.whenOnline(10_000)).toBe(true);
      expect(await other.conn.whenOnline(10_000)).toBe(true);
      relay.stall();
      // Found out by the liveness check, with no request of ours pending.
      await eventually(() => hung.conn.status.state === 'offline', 30_000, 'the hung engine shown offline');
      expect(hung.conn.status.error).toMatch(/did not answer in time/);
      // Meanwhile the other engine answers as usual.
      const { id } = await containers.run({ image: tb.busyboxImage, cmd: ['sleep', '600'] });
      await eventually(() => other.conn.list().some((c) => c.id === id), 10_000, 'the other engine live');
      expect(hung.conn.status.state).toBe('offline');
      relay.unstall();
      await eventually(() => hung.conn.status.state === 'online', 30_000, 'recovered');
      await eventually(() => hung.conn.list().some((c) => c.id === id), 10_000, 'and up to date');
    } finally {
      hung.conn.stop();
      other.conn.stop();
      await relay.down();
    }
  });
});
