import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/**
 * Debian's Chromium (`apt-get install chromium`, which scripts/ensure-chromium.sh runs): no
 * browser download. `CHROMIUM_PATH` overrides. Missing, it fails the suite, never skips it.
 */
export function systemChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate));
  if (!found) {
    throw new Error(
      "Debian's Chromium is not installed (looked for /usr/bin/chromium): run `bash scripts/ensure-chromium.sh` " +
        '(apt-get install -y chromium) or set CHROMIUM_PATH',
    );
  }
  return found;
}

/** Builds the console with Vite into a directory of this run's own; returns it. */
export function buildConsole(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'switchboard-console-e2e-'));
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      join(root, 'apps/console/vite.config.mts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  return outDir;
}
