import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStatic } from './static-files';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cs-static-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<html>');
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), '1');
  fs.writeFileSync(path.join(os.tmpdir(), 'cs-secret.txt'), 'secret');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('static files of the renderer', () => {
  it('serves files under the folder with their type', () => {
    expect(resolveStatic(dir, '/assets/app.js')).toMatchObject({ type: 'text/javascript; charset=utf-8' });
    expect(resolveStatic(dir, '/')?.path).toBe(path.join(dir, 'index.html'));
  });

  it('falls back to index.html for app routes only', () => {
    expect(resolveStatic(dir, '/containers/abc')?.path).toBe(path.join(dir, 'index.html'));
    expect(resolveStatic(dir, '/assets/missing.js')).toBeNull();
  });

  it.each([
    '/../cs-secret.txt',
    '/%2e%2e/cs-secret.txt',
    '/assets/../../cs-secret.txt',
    '/..%2fcs-secret.txt',
    '/a%00.js',
    '/%E0%A4%A',
  ])('refuses %s', (p) => {
    const r = resolveStatic(dir, p);
    expect(r === null || r.path === path.join(dir, 'index.html')).toBe(true);
  });
});
