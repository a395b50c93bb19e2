import { describe, expect, it } from 'vitest';
import { defaultEngineSpec, dockerOptions, parseEngineArg } from './engine-spec';

describe('engine addresses', () => {
  it('DOCKER_HOST wins over the default socket', () => {
    expect(defaultEngineSpec({}).host).toBe('unix:///var/run/docker.sock');
    expect(defaultEngineSpec({ DOCKER_HOST: 'unix:///tmp/d.sock' }).host).toBe('unix:///tmp/d.sock');
  });

  it('maps addresses to dockerode options', () => {
    expect(dockerOptions({ id: 'a', name: 'a', host: 'unix:///run/x.sock' })).toEqual({
      socketPath: '/run/x.sock',
    });
    expect(dockerOptions({ id: 'a', name: 'a', host: 'tcp://10.0.0.2:2375' })).toMatchObject({
      host: '10.0.0.2',
      port: 2375,
      protocol: 'http',
    });
    // ssh:// is plain HTTP over channels of one SSH connection (the agent comes from DockerEngine).
    expect(dockerOptions({ id: 'a', name: 'a', host: 'ssh://me@box:2222' })).toEqual({
      protocol: 'http',
      host: 'box',
      port: 2222,
    });
    expect(() => dockerOptions({ id: 'a', name: 'a', host: 'ssh://me@box/some/path' })).toThrow(
      /ssh:\/\/user@host\[:port\]/,
    );
  });

  it('refuses what it cannot use, saying what would work', () => {
    expect(() => dockerOptions({ id: 'a', name: 'a', host: 'ftp://x' })).toThrow(/unsupported/);
    expect(() => dockerOptions({ id: 'a', name: 'a', host: 'unix://relative.sock' })).toThrow(/absolute/);
    expect(() => parseEngineArg('no-equals')).toThrow(/id=unix/);
    expect(() => parseEngineArg('Bad Id=unix:///x')).toThrow(/lowercase/);
  });

  it('reads id, display name and address', () => {
    expect(parseEngineArg('testbed-a:Test bed A=unix:///run/a.sock')).toEqual({
      id: 'testbed-a',
      name: 'Test bed A',
      host: 'unix:///run/a.sock',
    });
  });
});
