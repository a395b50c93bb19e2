// The Electron shell, kept thin: a window, the app:// protocol serving the renderer with its
// CSP, and IPC wired to the same dispatcher browser mode uses. Everything else is in services.
import path from 'node:path';
import fs from 'node:fs';
import { app, BrowserWindow, dialog, ipcMain, Notification, protocol, shell } from 'electron';
import { Services } from './app/services';
import { findPackageRoot, rendererDir } from './app/paths';
import { appEngines } from './cli/engine-args';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './ipc/bridge';
import { securityHeaders } from './host/security-headers';
import { resolveStatic } from './host/static-files';
import { APP_ORIGIN, APP_SCHEME, guardContents, isAppUrl, windowOptions } from './window-options';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);

async function start(): Promise<void> {
  await app.whenReady();
  const root = rendererDir();
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveStatic(root, new URL(request.url).pathname);
    if (!file) return new Response('not found', { status: 404 });
    return new Response(await fs.promises.readFile(file.path), {
      headers: { 'Content-Type': file.type, ...securityHeaders() },
    });
  });

  const services = new Services({
    engines: appEngines(
      process.argv.filter((a) => a.startsWith('--engine=')).map((a) => a.slice('--engine='.length)),
    ),
    dataDir: app.getPath('userData'),
    host: 'electron',
    runSchedules: true,
    probeOnConnect: true,
    savedEngines: true,
    pickPath: async (kind) => {
      const res = await dialog.showOpenDialog({
        title: kind === 'folder' ? 'Open a checkpoint folder' : 'Open a checkpoint archive',
        properties: kind === 'folder' ? ['openDirectory'] : ['openFile'],
        ...(kind === 'archive'
          ? { filters: [{ name: 'Checkpoint archives', extensions: ['tar', 'gz', 'tgz', 'zst'] }] }
          : {}),
      });
      return res.canceled ? null : (res.filePaths[0] ?? null);
    },
    savePath: async (suggestedName) => {
      const res = await dialog.showSaveDialog({
        title: 'Export the checkpoint',
        defaultPath: path.join(app.getPath('downloads'), suggestedName),
        properties: ['showOverwriteConfirmation', 'createDirectory'],
      });
      return res.canceled ? null : (res.filePath ?? null);
    },
  });

  ipcMain.handle(IPC_CALL_CHANNEL, (event, name: unknown, args: unknown) => {
    // Only the app's own page may call; a frame that navigated elsewhere gets nothing.
    if (!event.senderFrame || !isAppUrl(event.senderFrame.url)) {
      return { ok: false, error: { code: 'unauthorized', message: 'caller is not the app' } };
    }
    return services.dispatcher.dispatch(name, args);
  });

  const win = new BrowserWindow(
    windowOptions(path.join(__dirname, 'preload.js'), path.join(findPackageRoot(), 'assets', 'icon.png')),
  );
  const unsubscribe = services.bus.subscribe((event, payload) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, event, payload);
  });
  // A scheduled checkpoint that fails must be seen even when the window is not.
  const offRuns = services.bus.on('schedules.ran', (run) => {
    if (run.outcome !== 'failed' || !Notification.isSupported()) return;
    const policy = services.schedules.store.byId(run.policyId);
    new Notification({
      title: `Scheduled checkpoint of ${run.containerName} failed`,
      body:
        policy?.state === 'paused'
          ? (policy.pausedReason ?? 'The schedule is paused.')
          : (run.error ?? 'See Checkpoint Studio.'),
    }).show();
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    unsubscribe();
    offRuns();
    services.dispose();
  });
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('window-all-closed', () => app.quit());
app.on('web-contents-created', (_e, contents) =>
  guardContents(contents, (url) => void shell.openExternal(url)),
);
start().catch((e) => {
  console.error(e);
  app.exit(1);
});
