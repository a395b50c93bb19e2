import { Services } from '../../app/services';
import { rendererDir } from '../../app/paths';
import { startBrowserServer } from '../../host/browser-server';
import type { CliIo } from '../cli-io';
import { appEngines } from '../engine-args';
import fs from 'node:fs';
import path from 'node:path';

export async function serveCommand(
  io: CliIo,
  opts: { port: number; engines: string[]; dataDir: string; verbose: boolean },
): Promise<number> {
  const dir = rendererDir();
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    io.err(`error: the renderer is not built (${dir}/index.html missing).`);
    io.err('hint: run "npm run build" (npm start does it for you).');
    return 1;
  }
  const services = new Services({
    engines: appEngines(opts.engines, io.env),
    dataDir: opts.dataDir,
    host: 'browser',
    runSchedules: true,
    probeOnConnect: true,
    savedEngines: true,
  });
  const server = await startBrowserServer(services, {
    port: opts.port,
    rendererDir: dir,
    ...(opts.verbose ? { log: (l: string) => io.err(l) } : {}),
  });
  services.linkIssuer = () => server.newLink();
  io.out(`Checkpoint Studio (browser mode) is at:\n\n  ${server.url}\n`);
  io.out(
    `Engines: ${services.registry
      .statuses()
      .map((s) => `${s.name} (${s.host})`)
      .join(', ')}`,
  );
  io.out(
    'Listening on 127.0.0.1 only. The link signs in one tab, once; keep it to yourself. Press Enter for another link; Ctrl+C stops.',
  );
  // Enter in this terminal: a new one-time link (the first is spent once opened).
  const onLine = () => io.out(`\n  ${server.newLink()}\n`);
  if (process.stdin.isTTY) {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', onLine);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdin.off('data', onLine);
  process.stdin.pause();
  await server.close();
  services.dispose();
  return 0;
}
