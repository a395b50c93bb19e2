// Decodes what a checkpoint holds from its CRIU images: the process tree, each process's memory
// areas and how much of each was dumped, its open files and sockets, and CRIU's timings. Reads the
// metadata images only: pages files are counted, never read, so a checkpoint of gigabytes of
// memory decodes in the time its few small images take. Bad images are reported, not fatal.
// The steps live beside this file: collect.ts reads the source, decoders.ts decodes each image,
// processes.ts joins them per process, podman-meta.ts reads a Podman export's own files.
import type { InspectionT } from '../ipc/contract';
import { collectEntries, InspectError, type Collected } from './collect';
import { decodeCheckpoint } from './decoders';
import { INVENTORY, STATS_DUMP } from './image-names';
import type { PageLayout } from './memory';
import { podmanMeta } from './podman-meta';
import { processViews } from './processes';
import type { DumpStats } from './schemas';
import { SourceError, type CheckpointSource } from './sources';

export { InspectError };

export async function inspectCheckpoint(source: CheckpointSource): Promise<InspectionT> {
  return (await inspectWithLayout(source)).inspection;
}

/** The inspection, plus where each process's pages sit in its pages file (for memory search). */
export async function inspectWithLayout(
  source: CheckpointSource,
): Promise<{ inspection: InspectionT; layout: PageLayout[] }> {
  let c: Collected;
  try {
    c = await collectEntries(source);
  } catch (e) {
    if (e instanceof SourceError || e instanceof InspectError) throw e;
    throw new InspectError(`${source.label}: ${(e as Error).message}`);
  }
  if (!c.images.has(INVENTORY)) {
    throw new InspectError(`${source.label} is not a CRIU checkpoint: it has no ${INVENTORY}`);
  }
  // Podman keeps CRIU's statistics next to the images; Docker's runtime deletes them.
  const d = decodeCheckpoint(c.images, c.images.get(STATS_DUMP) ?? c.meta.get(STATS_DUMP));
  const v = processViews(d);
  const problems = d.problems;

  const imageFiles = [...c.imageFiles].sort((a, b) => a.name.localeCompare(b.name));
  const inspection: InspectionT = {
    label: source.label,
    format: source.format,
    imgVersion: d.inventory?.img_version ?? null,
    dumpedAt: c.dumpedAt,
    totals: {
      imageBytes: imageFiles.reduce((n, f) => n + f.size, 0),
      pagesBytes: imageFiles.filter((f) => f.kind === 'pages').reduce((n, f) => n + f.size, 0),
      pagesDumped: v.pagesDumped,
      mappedBytes: v.processes.reduce((n, p) => n + p.mappedBytes, 0),
      processes: v.processes.length,
      threads: v.processes.reduce((n, p) => n + p.threads, 0),
    },
    processes: v.processes,
    memory: v.memory,
    files: v.files,
    sockets: v.sockets,
    stats: d.stats && dumpStats(d.stats),
    imageFiles,
    listing: source.metadataOnly ? 'metadata-only' : 'complete',
    podman: podmanMeta(c, problems),
    problems,
  };
  return { inspection, layout: v.layout };
}

function dumpStats(st: DumpStats): NonNullable<InspectionT['stats']> {
  return {
    freezingUs: st.freezing_time ?? null,
    frozenUs: st.frozen_time ?? null,
    memdumpUs: st.memdump_time ?? null,
    memwriteUs: st.memwrite_time ?? null,
    pagesScanned: st.pages_scanned ?? null,
    pagesSkippedParent: st.pages_skipped_parent ?? null,
    pagesWritten: st.pages_written ?? null,
  };
}
