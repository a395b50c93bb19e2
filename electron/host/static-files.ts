// Serves the built renderer. Only files under its folder, by a resolved path check; unknown
// paths fall back to index.html, as a single-page app expects.
import fs from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticFile {
  path: string;
  type: string;
}

export function resolveStatic(root: string, urlPath: string): StaticFile | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rootResolved = path.resolve(root);
  const wanted = path.resolve(rootResolved, '.' + path.posix.normalize('/' + decoded));
  if (wanted !== rootResolved && !wanted.startsWith(rootResolved + path.sep)) return null;
  let file = wanted;
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  } catch {
    // Not a file: a client-side route, unless it looks like an asset.
    if (path.extname(decoded)) return null;
    file = path.join(rootResolved, 'index.html');
  }
  if (!fs.existsSync(file)) return null;
  return { path: file, type: TYPES[path.extname(file)] ?? 'application/octet-stream' };
}
