/**
 * Core processes for tests: run by tsx as `npm run core` runs src-core/main.ts, through the tests' entry
 * (core-main.ts: the same core plus the test-only pauses), on loopback port 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const MAIN = path.join(ROOT, 'test', 'helpers', 'core-main.ts');

export interface CoreProcess {
  port: number;
  proc: ChildProcess;
  /** stdout (JSON log lines) and stderr so far. */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export function runCoreCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(TSX, [MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
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
  return new Promise((resolve, reject) => {
    const proc = spawn(TSX, [path.join(root, 'test', 'helpers', 'core-main.ts')], {
      cwd: root,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    });
    let out = '';
    let started = false;
    const exited = new Promise<number | null>((r) => proc.on('close', (code) => r(code)));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`core did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += String(d);
      if (started) return;
      const line = out.split('\n').find((l) => l.includes('"msg":"core listening"'));
      if (!line) return;
      started = true;
      clearTimeout(timer);
      const port = (JSON.parse(line) as { port: number }).port;
      resolve({
        port,
        proc,
        output: () => out,
        async stop() {
          if (proc.exitCode === null) proc.kill('SIGTERM');
          return exited;
        },
      });
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('close', (code) => {
      if (!started) {
        clearTimeout(timer);
        reject(new Error(`core exited with ${code} before listening:\n${out}`));
      }
    });
  });
}
