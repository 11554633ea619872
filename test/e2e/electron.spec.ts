/**
 * The same first screen inside the real Electron shell, through Playwright's `_electron`. The Electron binary
 * is not on the build machines (its download is not from the npm registry), so here this test reports itself
 * skipped with that reason; on a machine with the binary (`npx install-electron`) it runs.
 *
 * Never `require('electron')` to find the binary: without it, the package starts a download.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { _electron, expect, test } from '@playwright/test';
import { saveScreenshot } from './helpers/screenshots';

const root = path.resolve(import.meta.dirname, '../..');
const electronDir = path.join(root, 'node_modules', 'electron');

function electronBinary(): { path: string } | { missing: string } {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      missing:
        'the Electron binary is not installed (node_modules/electron/path.txt is absent; Electron ≥ 42 downloads it ' +
        'only on demand, from outside the npm registry, which the build machines cannot reach)',
    };
  }
  const binary = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { path: binary } : { missing: `the Electron binary ${binary} is missing` };
}

const found = electronBinary();

test('Electron: the window opens the sign-in screen from app://, isolated and sandboxed', async () => {
  if ('missing' in found) {
    // The list reporter does not print skip reasons; say it where the test output is read.
    console.log(`skipped: ${found.missing}`);
    test.skip(true, found.missing);
    return;
  }
  execFileSync('npm', ['run', 'build:electron'], { cwd: root, stdio: 'inherit' });
  const app = await _electron.launch({
    executablePath: found.path,
    args: [path.join(root, 'dist', 'electron', 'main.cjs'), '--no-sandbox'],
    cwd: root,
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    expect(page.url()).toMatch(/^app:\/\/counter\//);
    expect(await page.evaluate('typeof require')).toBe('undefined');
    expect(await page.evaluate('typeof window.pos.call')).toBe('function');
    await saveScreenshot(page, 'electron-sign-in');
  } finally {
    await app.close();
  }
});
