/**
 * One core process on 127.0.0.1, run as `npm run core` runs src-core/main.ts (or another entry, such as the
 * tests' core-main.ts with its test-only pauses): built into one module (core-build.mjs) and run by plain
 * `node`; resolves once it listens. `npm start`, the browser tests' system and the core's own tests all
 * start their cores here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { buildCore } from './core-build.mjs';

export const ROOT = path.resolve(import.meta.dirname, '..');

export interface CoreProcess {
  readonly url: string;
  readonly port: number;
  readonly proc: ChildProcess;
  /** Everything the core wrote so far (JSON log lines, stderr). */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export interface CoreStart {
  /** The core's data directory (`COUNTER_DATA_DIR`); else whatever `env` says (e.g. `DATABASE_URL`). */
  dataDir?: string;
  /** 0 (the default): any free port. */
  port?: number;
  /** The TypeScript entry built and run; default src-core/main.ts of `root`. */
  entry?: string;
  /** Another checkout of this repository to run the core of (the bench's A/B against older code). */
  root?: string;
  /** Over the defaults (HOST, PORT, LOG_LEVEL=info). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Also append the core's output to this file (a long-running `npm start`); memory then keeps only a tail. */
  logFile?: string;
}

export function startCore(o: CoreStart): Promise<CoreProcess> {
  const root = o.root ?? ROOT;
  const timeoutMs = o.timeoutMs ?? 60_000;
  if (o.dataDir) mkdirSync(o.dataDir, { recursive: true });
  const proc = spawn(
    process.execPath,
    ['--enable-source-maps', buildCore(root, o.entry ?? path.join(root, 'src-core', 'main.ts'))],
    {
      cwd: root,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(o.port ?? 0),
        LOG_LEVEL: 'info',
        ...o.env,
        ...(o.dataDir ? { COUNTER_DATA_DIR: o.dataDir } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const log = o.logFile ? createWriteStream(o.logFile, { flags: 'a' }) : null;
  const exited = new Promise<number | null>((r) => proc.once('close', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the core did not start within ${timeoutMs / 1000} s:\n${out}`));
    }, timeoutMs);
    let started = false;
    const onData = (d: Buffer) => {
      log?.write(d);
      out += String(d);
      // A core that runs for days must not grow this process: past start-up, keep the last 256 KiB in memory
      // when the whole output goes to a file.
      if (log && started && out.length > 512 * 1024) out = out.slice(-256 * 1024);
      if (started) return;
      const line = out.split('\n').find((l) => l.includes('"msg":"core listening"'));
      if (!line) return;
      started = true;
      clearTimeout(timer);
      const port = (JSON.parse(line) as { port: number }).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
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
    proc.once('close', (code) => {
      if (started) return;
      clearTimeout(timer);
      reject(new Error(`the core exited with ${code} before listening:\n${out}`));
    });
  });
}
