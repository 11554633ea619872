/**
 * Core processes for tests: built and run as `npm run core` runs src-core/main.ts (scripts/core-build.mjs,
 * plain `node`), through the tests' entry (core-main.ts: the same core plus the test-only pauses), on loopback
 * port 0, started by the one spawner (scripts/core-process.ts) `npm start` uses too.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildCore } from '../../scripts/core-build.mjs';
import { startCore, type CoreProcess } from '../../scripts/core-process';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MAIN = path.join(ROOT, 'test', 'helpers', 'core-main.ts');

export type { CoreProcess };

export function runCoreCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--enable-source-maps', buildCore(ROOT, MAIN), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += String(d)));
    proc.stderr.on('data', (d) => (stderr += String(d)));
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `root`: another checkout of this repository to run the core of (the bench's A/B against older code). */
export function spawnCore(env: NodeJS.ProcessEnv, timeoutMs = 60_000, root = ROOT): Promise<CoreProcess> {
  return startCore({ env, timeoutMs, root, entry: path.join(root, 'test', 'helpers', 'core-main.ts') });
}
