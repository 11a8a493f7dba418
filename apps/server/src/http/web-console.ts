import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';

export const WEB_BUILD_HINT = 'pnpm --filter @crewship/web build';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** Paths the console never answers: the API, the socket and the operational endpoints keep their 404s. */
const SERVER_PREFIXES = ['/api/', '/ws', '/healthz', '/readyz', '/metrics'];

/**
 * Where the built console is: `CREWSHIP_WEB_DIR`, else `apps/web/dist` next to this server in the
 * monorepo (reached from the server's `dist/` or `src/http/`); null when it is not built.
 */
export function locateWebConsole(configured: string | undefined): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = configured
    ? [configured]
    : [join(here, '../../web/dist'), join(here, '../../../web/dist')];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'index.html')));
  return found ? resolve(found) : null;
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Crewship: web console not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1>The web console is not built</h1>
<p>The server and its API at <code>/api/v1</code> are running. To use the console in the browser, build it
and reload this page:</p>
<pre>${WEB_BUILD_HINT}</pre>
<p>(<code>pnpm build</code> builds everything, the console included.)</p>
</body></html>`;

async function fileIn(root: string, requestPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const candidate = resolve(root, `.${decoded}`);
  const inside = relative(root, candidate);
  if (inside === '' || inside.startsWith('..') || inside.startsWith(sep)) return null;
  try {
    return (await stat(candidate)).isFile() ? candidate : null;
  } catch {
    return null;
  }
}

/**
 * Serves the console's static files at `/` with an SPA fallback to `index.html`; hashed `/assets/*`
 * are cached for a year. Without a build, every console path answers 503 with how to build it.
 */
export function mountWebConsole(app: Hono<never>, root: string | null): void {
  app.on(['GET', 'HEAD'], '*', async (c: Context, next) => {
    const path = c.req.path;
    if (SERVER_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix))) {
      return next();
    }
    if (!root) return c.html(NOT_BUILT_PAGE, 503);
    const file = path === '/' ? null : await fileIn(root, path);
    if (file) {
      const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
      const immutable = path.startsWith('/assets/');
      return c.body(await readFile(file), 200, {
        'content-type': type,
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
    // A missing file with an extension is a real 404; anything else is a console route.
    if (extname(path) !== '') return next();
    return c.body(await readFile(join(root, 'index.html')), 200, {
      'content-type': CONTENT_TYPES['.html'] ?? 'text/html',
      'cache-control': 'no-cache',
    });
  });
}
