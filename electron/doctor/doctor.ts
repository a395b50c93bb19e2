// Gathers the facts the doctor's rules judge: CRIU, the kernel, and an engine when one is given.
import os from 'node:os';
import type { DoctorReportT } from '../ipc/contract';
import type { EngineConnection } from '../engines/engine-connection';
import { explainConnectionError } from '../engines/docker/docker-engine';
import { isLocalHost } from '../engines/engine-spec';
import { probeCriu } from './criu-probe';
import { buildReport, type DoctorFacts } from './doctor-rules';
import { readKernelConfig } from './kernel-config';
import { findLeakedRestores } from './leaked-restores';
import { remoteLeftovers } from './leaked-restores-remote';
import type { CapabilityService } from '../capabilities/capability-service';

export async function runDoctor(
  engine?: EngineConnection,
  measured?: { capabilities: CapabilityService; remeasure: boolean },
): Promise<DoctorReportT> {
  const facts: DoctorFacts = {
    criu: await probeCriu(),
    kernelRelease: os.release(),
    kernelConfig: readKernelConfig(),
  };
  if (engine) {
    const spec = engine.spec;
    const base = { id: spec.id, name: spec.name, host: spec.host, local: isLocalHost(spec.host) };
    try {
      const identity = await engine.engine.identify();
      facts.engine = { ...base, identity };
      // Docker's containerd on this computer: its /tmp is ours to look in; another host's, a helper's.
      if (base.local && identity.kind === 'docker') {
        const found = findLeakedRestores();
        facts.leakedRestores = { dir: found.dir, count: found.folders.length, bytes: found.bytes };
      } else if (identity.kind === 'docker') {
        const found = await remoteLeftovers(engine.engine, 'count');
        if (found)
          facts.leakedRestores = { dir: `${spec.name}:/tmp`, count: found.count, bytes: found.bytes };
      }
      if (measured) {
        // What the engine itself can do, measured through it: its own CRIU, its own runtime.
        const caps = await measured.capabilities.ensure(spec.id, measured.remeasure).catch(() => null);
        facts.capabilities = { value: caps, measuring: false };
      }
    } catch (e) {
      const err = explainConnectionError(spec, e);
      facts.engine = {
        ...base,
        identity: null,
        error: { message: err.message, ...(err.hint ? { hint: err.hint } : {}) },
      };
    }
  }
  return buildReport(facts);
}
