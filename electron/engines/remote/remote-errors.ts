// What goes wrong only with engines on other machines — the network, TLS, and the far side of
// SSH — said so that the user knows which of the three it is and what to change.
import { StudioError } from '../../ipc/errors';
import type { EngineSpec } from '../engine-spec';

const UNTRUSTED_SERVER = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
]);

/** The server's TLS alerts that mean "I do not accept your certificate". */
const REFUSED_CLIENT =
  /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|DECRYPT_ERROR)/;

const UNREACHABLE = new Set([
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function explainRemoteError(spec: EngineSpec, e: unknown): StudioError | null {
  const err = e as (Error & { code?: string; reason?: string }) | null;
  const code = err?.code ?? '';
  const where = spec.host;
  const host = /^[a-z]+:\/\/(?:[^@/]*@)?([^/:]+|\[[^\]]+\])/.exec(where)?.[1] ?? where;
  const tls = spec.tlsDir ?? 'the TLS folder';
  if (UNTRUSTED_SERVER.has(code)) {
    return new StudioError(
      'engine-unreachable',
      `The engine at ${where} presented a certificate that the ca.pem in ${tls} does not vouch for. Nothing was sent to it.`,
      {
        hint: "ca.pem must be the CA that signed the engine's certificate (the one dockerd's --tlscacert names). If you did not set up this engine, someone may be in the way.",
        cause: e,
      },
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new StudioError('engine-unreachable', `The engine's certificate is not made out to ${host}.`, {
      hint: `Reach it by a name or address its certificate lists (${err?.reason ?? 'see its subjectAltName'}), or give it a certificate for ${host}.`,
      cause: e,
    });
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new StudioError(
      'engine-unreachable',
      `The engine's certificate at ${where} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not valid yet'}.`,
      { hint: "Renew the engine's certificate (or check this computer's clock).", cause: e },
    );
  }
  if (
    REFUSED_CLIENT.test(code) ||
    (spec.tlsDir && code === 'ECONNRESET' && /handshake|socket hang up|TLS/i.test(err?.message ?? ''))
  ) {
    return new StudioError(
      'engine-unreachable',
      `The engine at ${where} refused the client certificate in ${tls}.`,
      {
        hint: "cert.pem and key.pem must be signed by the CA the engine trusts (dockerd's --tlscacert).",
        cause: e,
      },
    );
  }
  if (/Client sent an HTTP request to an HTTPS server/.test(err?.message ?? '')) {
    return new StudioError('engine-unreachable', `The engine at ${where} speaks TLS.`, {
      hint: 'Give the folder with its ca.pem, cert.pem and key.pem (as DOCKER_CERT_PATH holds them).',
      cause: e,
    });
  }
  if (UNREACHABLE.has(code)) {
    return new StudioError(
      'engine-unreachable',
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `There is no host called ${host} (the name did not resolve).`
        : `${host} cannot be reached from this computer (${code === 'ETIMEDOUT' ? 'no answer' : 'no route to it'}).`,
      {
        hint: 'Check the address and that this computer and the host are on a network together; Checkpoint Studio keeps trying.',
        cause: e,
      },
    );
  }
  if (code === 'ENODOCKER') {
    return new StudioError('engine-unreachable', `${host} has no docker command for SSH to run.`, {
      hint: 'Over SSH the app runs "docker system dial-stdio" on the host, as the docker CLI does: install the docker CLI there.',
      cause: e,
    });
  }
  if (code === 'EDIALSTDIO') {
    return new StudioError(
      'engine-unreachable',
      `On ${host}, docker could not reach its engine: ${err?.message}`,
      {
        hint: 'Start the engine on that host (systemctl start docker), or check that the SSH user may use its socket.',
        cause: e,
      },
    );
  }
  return null;
}
