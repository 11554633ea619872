/**
 * The PGlite data-directory lock with real processes and files: a live holder keeps it, a dead holder's lock
 * is taken over, the admin endpoint of a dead core is never used, and the lock is released on exit.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ADMIN_FILE,
  LOCK_FILE,
  acquireDataDirLock,
  dataDirHolder,
  readAdminEndpoint,
} from '../../../src-core/admin/data-dir-lock';

/** The pid of a process that has exited (and been reaped): certainly not alive. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

const holderFile = (pid: number, role: 'server' | 'command') =>
  JSON.stringify({ pid, role, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z' });

describe('the data-directory lock', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'counter-lock-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('is kept by a live process and names it', async () => {
    const d = dir();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)']);
    try {
      writeFileSync(path.join(d, LOCK_FILE), holderFile(sleeper.pid!, 'server'));
      const attempt = acquireDataDirLock(d, 'command');
      expect(attempt.ok).toBe(false);
      if (!attempt.ok) expect(attempt.holder).toMatchObject({ pid: sleeper.pid, role: 'server' });
      expect(dataDirHolder(d)?.pid).toBe(sleeper.pid);
      // It publishes no admin endpoint: none is read, not even an old one of another pid.
      writeFileSync(
        path.join(d, ADMIN_FILE),
        JSON.stringify({ pid: 1, url: 'http://127.0.0.1:1', token: 'x' }),
      );
      expect(readAdminEndpoint(d, dataDirHolder(d)!)).toBeNull();
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('of a dead process is taken over, written atomically (mode 0600) and released', () => {
    const d = dir();
    writeFileSync(path.join(d, LOCK_FILE), holderFile(deadPid(), 'server'));
    expect(dataDirHolder(d)).toBeNull();
    const attempt = acquireDataDirLock(d, 'command');
    expect(attempt.ok).toBe(true);
    const lock = JSON.parse(readFileSync(path.join(d, LOCK_FILE), 'utf8')) as { pid: number; role: string };
    expect(lock).toMatchObject({ pid: process.pid, role: 'command' });
    expect(statSync(path.join(d, LOCK_FILE)).mode & 0o777).toBe(0o600);
    if (attempt.ok) attempt.release();
    expect(existsSync(path.join(d, LOCK_FILE))).toBe(false);
  });

  it('taken over by racing processes: exactly one gets it', async () => {
    const d = dir();
    writeFileSync(path.join(d, LOCK_FILE), holderFile(deadPid(), 'server'));
    const script = [
      `import { acquireDataDirLock } from ${JSON.stringify(path.resolve('src-core/admin/data-dir-lock.ts'))};`,
      // holder null: another racer is mid-takeover; look again, as accessDataDir does.
      `let a = acquireDataDirLock(${JSON.stringify(d)}, 'command');`,
      `while (!a.ok && !a.holder) a = acquireDataDirLock(${JSON.stringify(d)}, 'command');`,
      `console.log(a.ok ? 'got ' + process.pid : 'held ' + a.holder.pid);`,
      // The winner keeps the lock until the test ends it, so late starters cannot win after a release.
      `if (a.ok) setTimeout(() => {}, 60_000);`,
    ].join('\n');
    const tsx = path.resolve('node_modules/.bin/tsx');
    const racers = Array.from({ length: 4 }, () =>
      spawn(tsx, ['--eval', script], { cwd: path.resolve('.') }),
    );
    try {
      const answers = await Promise.all(
        racers.map(
          (p) =>
            new Promise<string>((resolve) => {
              let out = '';
              p.stdout.on('data', (c) => {
                out += String(c);
                if (out.includes('\n')) resolve(out.trim());
              });
              p.on('close', () => resolve(out.trim()));
            }),
        ),
      );
      const winners = answers.filter((a) => a.startsWith('got '));
      expect(winners, answers.join(', ')).toHaveLength(1);
      const winner = winners[0]!.slice('got '.length);
      for (const a of answers.filter((x) => !x.startsWith('got '))) expect(a).toBe(`held ${winner}`);
    } finally {
      for (const p of racers) p.kill('SIGKILL');
    }
  });

  it('an unreadable (not JSON) lock file counts as nobody’s', () => {
    const d = dir();
    writeFileSync(path.join(d, LOCK_FILE), '');
    const attempt = acquireDataDirLock(d, 'server');
    expect(attempt.ok).toBe(true);
    if (attempt.ok) attempt.release();
  });
});
