import { readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * Read a file of the built renderer for a URL path, or null. Used by the Electron protocol
 * handler and the web host alike; refuses anything that resolves outside `root` (`..`, encoded
 * separators, symlinks) and anything that is not a regular file.
 */
export function readStaticFile(root: string, urlPath: string): StaticFile | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]?.split('#')[0] ?? '/');
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = realpathSync(resolve(root));
  const candidate = resolve(join(base, relative));
  if (candidate !== base && !candidate.startsWith(base + sep)) return null;
  let real: string;
  try {
    real = realpathSync(candidate);
    if (!real.startsWith(base + sep) || !statSync(real).isFile()) return null;
  } catch {
    return null;
  }
  return { body: readFileSync(real), contentType: CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream' };
}
