// Engines on other machines, for real: the test bed's hosts (own network namespaces, sshd, dockerd
// on TLS). Added, tested, renamed and removed over SSH and TLS; each way of getting it wrong is
// named for what it is, and an unreachable host never holds up the engine beside it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Services } from '../../app/services';
import { unwrap } from '../../ipc/dispatcher';
import type { CallName } from '../../ipc/contract-names';
import { EngineSettings } from '../engine-settings';
import { execFile } from 'node:child_process';
import { hostLink, testbed, testHosts } from '../../../testbed/support';

const tb = testbed();
const hosts = testHosts();
let dataDir: string;
let services: Services;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-remote-'));
  services = new Services({
    engines: [{ id: 'local', name: 'Local', host: tb.dockerHost }],
    dataDir,
    host: 'headless',
  });
});

afterAll(() => {
  hostLink('h1', 'up');
  services.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'checkpoint-studio.js');

function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, DOCKER_HOST: tb.dockerHost, CHECKPOINT_STUDIO_HOME: dataDir } },
      (e, out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

const call = async <K extends CallName>(name: K, args: unknown) =>
  unwrap<K>(await services.dispatcher.dispatch(name, args));

describe('remote engines over SSH and TLS', () => {
  it('SSH: test shows the host key, add pins it, rename and remove', async () => {
    const tested = await call('engines.test', { host: hosts.h1.ssh, identityFile: hosts.sshKey });
    expect(tested).toMatchObject({ ok: true, kind: 'docker', hostKey: hosts.h1.fingerprint });
    expect(tested.version).toMatch(/^26\./);

    const added = await call('engines.add', {
      name: 'Host one',
      host: hosts.h1.ssh,
      identityFile: hosts.sshKey,
      hostKey: tested.hostKey,
    });
    expect(await services.registry.get(added.id).whenOnline(15_000)).toBe(true);
    const status = services.registry.get(added.id).status;
    expect(status).toMatchObject({ state: 'online', kind: 'docker', hostKey: hosts.h1.fingerprint });
    // Kept with its key and identity file: the next start holds the host to the same key.
    expect(new EngineSettings(dataDir).load().find((e) => e.id === added.id)).toMatchObject({
      host: hosts.h1.ssh,
      sshKey: hosts.sshKey,
      sshHostKey: hosts.h1.fingerprint,
    });
    // The remote host's containers are listed like a local engine's.
    expect(Array.isArray(await call('containers.list', { engineId: added.id }))).toBe(true);

    expect(await call('engines.rename', { engineId: added.id, name: 'Host 1' })).toMatchObject({
      name: 'Host 1',
    });
    expect(await call('engines.remove', { engineId: added.id })).toEqual({ removed: true });
    expect(services.registry.ids()).not.toContain(added.id);
    expect(new EngineSettings(dataDir).load().some((e) => e.id === added.id)).toBe(false);
  });

  it('saved engines are held to their key: another one is refused; a first one is pinned and kept', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-pins-'));
    new EngineSettings(dir).save([
      {
        id: 'pinned',
        name: 'Pinned',
        host: hosts.h1.ssh,
        sshKey: hosts.sshKey,
        sshHostKey: hosts.h2.fingerprint,
      },
      { id: 'fresh', name: 'Fresh', host: hosts.h2.ssh, sshKey: hosts.sshKey },
    ]);
    const s2 = new Services({ engines: [], dataDir: dir, host: 'headless', savedEngines: true });
    try {
      // A host busy with the rest of the suite can take a while to log in to.
      const fresh = s2.registry.get('fresh');
      if (!(await fresh.whenOnline(30_000))) throw new Error(`Fresh is ${JSON.stringify(fresh.status)}`);
      expect(new EngineSettings(dir).load().find((e) => e.id === 'fresh')?.sshHostKey).toBe(
        hosts.h2.fingerprint,
      );
      const pinned = s2.registry.get('pinned');
      await expect.poll(() => pinned.status.state, { timeout: 15_000 }).toBe('offline');
      expect(pinned.status.error).toMatch(/SSH host key of root@.* changed/);
      // Still held to what was saved.
      expect(new EngineSettings(dir).load().find((e) => e.id === 'pinned')?.sshHostKey).toBe(
        hosts.h2.fingerprint,
      );
    } finally {
      s2.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('TLS: test, add, rename and remove', async () => {
    const tested = await call('engines.test', { host: hosts.h2.tls, tlsDir: hosts.tlsDir });
    expect(tested).toMatchObject({ ok: true, kind: 'docker' });
    expect(tested.version).toMatch(/^28\./);
    const added = await call('engines.add', { name: 'Host two', host: hosts.h2.tls, tlsDir: hosts.tlsDir });
    expect(await services.registry.get(added.id).whenOnline(15_000)).toBe(true);
    expect(await call('engines.rename', { engineId: added.id, name: 'Host 2' })).toMatchObject({
      name: 'Host 2',
    });
    expect(await call('engines.remove', { engineId: added.id })).toEqual({ removed: true });
  });

  it('each way of getting it wrong is named for what it is', async () => {
    const test = (args: Record<string, string>) => call('engines.test', args);
    // SSH: a key the host does not know.
    expect(await test({ host: hosts.h1.ssh, identityFile: hosts.strangerSshKey })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/refused the SSH login with .*stranger_ed25519/),
      // It still showed its key, which is worth comparing already.
      hostKey: hosts.h1.fingerprint,
    });
    // SSH: the host presents another key than the one the user confirmed.
    const changed = await services.dispatcher.dispatch('engines.add', {
      name: 'Impostor',
      host: hosts.h1.ssh,
      identityFile: hosts.sshKey,
      hostKey: hosts.h2.fingerprint,
    });
    expect(changed).toMatchObject({
      ok: false,
      error: {
        message: expect.stringMatching(
          /SSH host key of root@.* changed: it was SHA256:.*, now it is SHA256:/,
        ),
      },
    });
    expect(services.registry.ids()).toEqual(['local']);
    // TLS: a CA that did not sign the engine's certificate.
    expect(await test({ host: hosts.h2.tls, tlsDir: hosts.strangerTlsDir })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/presented a certificate that the ca.pem in .* does not vouch for/),
    });
    // TLS: the right CA, but a client certificate the engine does not accept.
    const mixed = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-tls-'));
    fs.copyFileSync(path.join(hosts.tlsDir, 'ca.pem'), path.join(mixed, 'ca.pem'));
    for (const f of ['cert.pem', 'key.pem'])
      fs.copyFileSync(path.join(hosts.strangerTlsDir, f), path.join(mixed, f));
    expect(await test({ host: hosts.h2.tls, tlsDir: mixed })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/refused the client certificate/),
    });
    fs.rmSync(mixed, { recursive: true });
    // TLS: no certificates at all.
    expect(await test({ host: hosts.h2.tls })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/speaks TLS/),
      hint: expect.stringMatching(/ca.pem, cert.pem and key.pem/),
    });
    // Nothing listening on that port.
    expect(
      await test({ host: hosts.h1.ssh.replace(/$/, ':2222'), identityFile: hosts.sshKey }),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Nothing is listening/),
    });
    // A path that is not a key file is refused before anything is tried.
    expect(
      await services.dispatcher.dispatch('engines.test', {
        host: hosts.h1.ssh,
        identityFile: '/etc/../etc/passwd',
      }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('an unreachable host is said to be one, and does not hold up the engine beside it', async () => {
    const added = await call('engines.add', { name: 'Away', host: hosts.h1.ssh, identityFile: hosts.sshKey });
    const away = services.registry.get(added.id);
    expect(await away.whenOnline(15_000)).toBe(true);
    hostLink('h1', 'down');
    try {
      expect(await call('engines.test', { host: hosts.h1.ssh, identityFile: hosts.sshKey })).toMatchObject({
        ok: false,
        error: expect.stringMatching(/cannot be reached from this computer/),
      });
      // The connection notices within its liveness check and says why.
      await expect.poll(() => away.status.state, { timeout: 40_000, interval: 250 }).toBe('offline');
      expect(away.status.error).toBeTruthy();
      // The local engine answers all along.
      const t0 = Date.now();
      expect(Array.isArray(await call('containers.list', { engineId: 'local' }))).toBe(true);
      expect(services.registry.get('local').status.state).toBe('online');
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      hostLink('h1', 'up');
    }
    // Back by itself once the host is.
    expect(await away.whenOnline(30_000)).toBe(true);
    await call('engines.remove', { engineId: added.id });
  });

  it('the CLI adds (printing the host key), lists, renames and removes a remote engine', async () => {
    // A host key other than the one given: refused, nothing added.
    const wrong = await cli(
      'engines',
      'add',
      'impostor',
      hosts.h1.ssh,
      '--identity',
      hosts.sshKey,
      '--host-key',
      hosts.h2.fingerprint,
    );
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toMatch(/host key .* changed/);
    const add = await cli('engines', 'add', 'far', hosts.h1.ssh, '--identity', hosts.sshKey);
    expect(add.code, add.err).toBe(0);
    expect(add.out).toMatch(/Added far: docker 26\./);
    expect(add.out).toContain(`Host key ${hosts.h1.fingerprint}`);
    const ls = await cli('engines', 'ls', '--json');
    const far = (JSON.parse(ls.out) as { id: string; state: string; hostKey?: string }[]).find(
      (e) => e.id === 'far',
    );
    expect(far).toMatchObject({ state: 'online', hostKey: hosts.h1.fingerprint });
    expect((await cli('engines', 'rename', 'far', 'farther')).out).toMatch(/Renamed far to farther/);
    expect((await cli('engines', 'rm', 'farther')).code).toBe(0);
  });

  it('the doctor reports the remote host: its kernel, and what its CRIU was measured to do', async () => {
    const added = await call('engines.add', { name: 'Doctor', host: hosts.h2.tls, tlsDir: hosts.tlsDir });
    expect(await services.registry.get(added.id).whenOnline(15_000)).toBe(true);
    const report = await call('doctor.run', { engineId: added.id, remeasure: true });
    const item = (id: string) => report.items.find((i) => i.id === id);
    const kernel = services.registry.get(added.id).identity!.kernel;
    expect(kernel).toMatch(/^\d+\.\d+/);
    expect(item('engine.kernel')?.detail).toContain(kernel);
    // Its CRIU, measured on that host through its engine.
    expect(item('engine.criu')).toMatchObject({ status: 'ok' });
    expect(item('engine.remote')).toMatchObject({ status: 'ok' });
    await call('engines.remove', { engineId: added.id });
  });
});
