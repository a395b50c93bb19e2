import { describe, expect, it } from 'vitest';
import { explainRemoteError } from './remote-errors';
import { fingerprint } from './ssh-transport';

const tls = { id: 'x', name: 'x', host: 'tcp://10.0.0.9:2376', tlsDir: '/certs' };
const ssh = { id: 'x', name: 'x', host: 'ssh://root@build.example' };
const err = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('remote engine failures, in words', () => {
  it.each([
    [
      tls,
      err('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      /certificate that the ca.pem in \/certs does not vouch for/,
    ],
    [tls, err('SELF_SIGNED_CERT_IN_CHAIN'), /does not vouch for/],
    [tls, err('ERR_TLS_CERT_ALTNAME_INVALID'), /not made out to 10.0.0.9/],
    [tls, err('CERT_HAS_EXPIRED'), /is expired/],
    [tls, err('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'), /refused the client certificate in \/certs/],
    [tls, new Error('engine answered 400: Client sent an HTTP request to an HTTPS server.'), /speaks TLS/],
    [ssh, err('EHOSTUNREACH'), /build.example cannot be reached from this computer \(no route to it\)/],
    [ssh, err('ETIMEDOUT'), /\(no answer\)/],
    [ssh, err('ENOTFOUND'), /no host called build.example/],
    [ssh, err('ENODOCKER'), /has no docker command/],
    [
      ssh,
      err('EDIALSTDIO', 'Cannot connect to the Docker daemon'),
      /docker could not reach its engine: Cannot connect/,
    ],
  ])('%#: %s', (spec, e, words) => {
    expect(explainRemoteError(spec, e)?.message).toMatch(words);
  });

  it('leaves what is not remote to the general explanation', () => {
    expect(explainRemoteError(ssh, err('ECONNREFUSED'))).toBeNull();
  });

  it('prints a host key as ssh-keygen -l does', () => {
    // A key made for this test; `ssh-keygen -l -E sha256` printed the fingerprint below for it.
    const blob = Buffer.from(
      'AAAAC3NzaC1lZDI1NTE5AAAAICe6giNB3NXWBXN05RWGlyFXwMiJa32jxLlTwZY3ukvU',
      'base64',
    );
    expect(fingerprint(blob)).toBe('SHA256:RrR/jnJlyhZ//cTClUnqAyRITIUP2d/fHC85zruNGV0');
  });
});
