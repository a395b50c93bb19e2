import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { guardContents, isAppUrl, windowOptions } from './window-options';
import { callNames } from './ipc/contract-names';
import { contentSecurityPolicy } from './host/security-headers';

describe('the Electron window is locked down', () => {
  const prefs = windowOptions('/x/preload.js').webPreferences!;

  it('isolates, sandboxes and keeps Node out of the page', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
  });

  it('blocks navigation away, new windows, webviews and permission prompts', () => {
    const handlers: Record<string, (...a: unknown[]) => void> = {};
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    let permission: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    const openExternal = vi.fn();
    guardContents(
      {
        on: ((ev: string, fn: (...a: unknown[]) => void) => {
          handlers[ev] = fn;
        }) as never,
        setWindowOpenHandler: ((fn: typeof openHandler) => {
          openHandler = fn;
        }) as never,
        session: {
          setPermissionRequestHandler: ((fn: typeof permission) => {
            permission = fn;
          }) as never,
        },
      },
      openExternal,
    );
    const nav = (url: string) => {
      const ev = { preventDefault: vi.fn() };
      handlers['will-navigate']!(ev, url);
      return ev.preventDefault.mock.calls.length > 0;
    };
    expect(nav('https://evil.example/')).toBe(true);
    expect(nav('file:///etc/passwd')).toBe(true);
    expect(nav('app://studio/index.html#/doctor')).toBe(false);
    const attach = { preventDefault: vi.fn() };
    handlers['will-attach-webview']!(attach);
    expect(attach.preventDefault).toHaveBeenCalled();
    expect(openHandler!({ url: 'https://criu.org/' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://criu.org/');
    expect(openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledTimes(1);
    const cb = vi.fn();
    permission!(null, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
  });

  it('knows its own origin', () => {
    expect(isAppUrl('app://studio/index.html')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('http://127.0.0.1/')).toBe(false);
  });

  it('has a strict CSP: no inline script, no eval, nothing from elsewhere', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    const html = fs.readFileSync(path.join(__dirname, '..', 'renderer', 'index.html'), 'utf8');
    expect(html).toContain("script-src 'self'");
    expect(html).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('the preload exposes only the contract, through one channel', () => {
    const src = fs.readFileSync(path.join(__dirname, 'preload.ts'), 'utf8');
    expect(src.match(/exposeInMainWorld/g)).toHaveLength(1);
    expect(src).toContain('callNames.map');
    expect(src).not.toMatch(/ipcRenderer\.(send|sendSync)\b/);
    expect(src).not.toMatch(/require\(|process\./);
    expect(callNames.length).toBeGreaterThan(0);
  });
});
