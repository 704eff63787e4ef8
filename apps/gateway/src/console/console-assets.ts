import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** Where the gateway serves the agent console. */
export const CONSOLE_PATH = '/console/';

/**
 * The console may load only its own files and call only this origin; user text never runs
 * (Preact escapes it, and no inline script is allowed anyway).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/** Serves the Vite build of apps/console (relative `directory`s from the working directory). */
export function serveConsole(app: NestExpressApplication, directory: string): void {
  const root = resolve(directory);
  if (!existsSync(join(root, 'index.html'))) {
    new Logger('Console').warn(`no console build in ${root}: run npm run build`);
  }
  app.useStaticAssets(root, {
    prefix: CONSOLE_PATH,
    index: 'index.html',
    setHeaders: (response: ServerResponse, path: string) => {
      response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
      response.setHeader('x-content-type-options', 'nosniff');
      response.setHeader('referrer-policy', 'no-referrer');
      // Hashed asset names may be cached for good; the page itself is always revalidated.
      response.setHeader(
        'cache-control',
        path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}
