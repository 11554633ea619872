/**
 * A pseudo-terminal pair from socat standing in for the RS-232 cable (reference §7): one end for the ECR,
 * one for the virtual terminal. Paths are symlinks in a private temp dir, so parallel runs never collide.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PtyPair {
  /** Give this path to the ECR (`--port`). */
  readonly ecrPath: string;
  /** The virtual terminal opens this one. */
  readonly ptPath: string;
  stop(): Promise<void>;
}

export async function startPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  const dir = mkdtempSync(path.join(tmpdir(), 'counter-zvt-'));
  const ecrPath = path.join(dir, 'ecr');
  const ptPath = path.join(dir, 'terminal');
  const child: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${ecrPath}`, `pty,raw,echo=0,link=${ptPath}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const started = Date.now();
  for (;;) {
    if (existsSync(ecrPath) && existsSync(ptPath) && stderr.includes('starting data transfer loop')) break;
    const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 20))]);
    if (failed) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`cannot start socat (install it: apt-get install socat): ${failed.message}`);
    }
    if (child.exitCode !== null || Date.now() - started > timeoutMs) {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`socat did not create the pty pair: ${stderr.trim()}`);
    }
  }
  // If this process ends without stop() (an uncaught error, process.exit), socat must not outlive it.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  return {
    ecrPath,
    ptPath,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          process.removeListener('exit', killOnExit);
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}
