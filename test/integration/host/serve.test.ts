/**
 * `npm run host -- serve` as a process: it prints the UI's address with this launch's token, writes it to a
 * 0600 file in the data directory, serves the UI without the token and the API with it, says in one line
 * when its port is taken (exit code ≠ 0), and closes cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, runCommand } from '../../../src-main/host/cli';
import { listenTcp, type TcpListener } from '../../../src-main/zvt/transport/tcp';
import { VirtualTerminal } from '../../../src-main/zvt/virtual-terminal/terminal';
import { tempDataDir } from '../../helpers/host-store';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

let terminal: TcpListener;
beforeAll(async () => {
  const vt = new VirtualTerminal();
  terminal = await listenTcp('127.0.0.1', 0, (stream) => void vt.serveStream(stream));
});
afterAll(async () => terminal?.close());

function enrolledDir(): string {
  const dir = tempDataDir();
  const { command, flags } = parseCli([
    'enroll',
    '--issuer',
    '5002',
    '--terminal',
    `127.0.0.1:${terminal.port}`,
  ]);
  const r = runCommand(command, flags, dir);
  if (!r.ok) throw new Error(r.error.message);
  return dir;
}

/** Runs `serve`; resolves with the first line it prints (or its exit, if it ends first). */
function serve(
  args: string[],
): Promise<{ proc: ChildProcess; line: string | null; code: number | null; stderr: () => string }> {
  const proc = spawn(TSX, [path.join(ROOT, 'src-main/host/main.ts'), 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, COUNTER_TERMINAL_SECRET: '' },
  });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => (err += String(d)));
  return new Promise((resolve) => {
    proc.stdout.on('data', (d) => {
      out += String(d);
      if (out.includes('\n')) resolve({ proc, line: out.split('\n')[0]!, code: null, stderr: () => err });
    });
    proc.once('close', (code) => resolve({ proc, line: null, code, stderr: () => err }));
  });
}

describe('npm run host -- serve', () => {
  it('prints the UI address, serves it, refuses a taken port in one line, and stops on SIGTERM', async () => {
    const dir = enrolledDir();
    const uiDir = fs.mkdtempSync(path.join(dir, 'ui-'));
    fs.writeFileSync(path.join(uiDir, 'index.html'), '<!doctype html><title>Counter</title>');
    const first = await serve(['--data-dir', dir, '--port', '0', '--ui', uiDir]);
    try {
      expect(first.line).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
      const url = new URL(first.line!);
      const token = url.hash.slice('#token='.length);
      const info = path.join(dir, 'bridge.json');
      expect(fs.statSync(info).mode & 0o777).toBe(0o600);
      expect(JSON.parse(fs.readFileSync(info, 'utf8'))).toEqual({
        url: first.line,
        port: Number(url.port),
        token,
      });
      const page = await fetch(`${url.origin}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Counter</title>');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect((await fetch(`${url.origin}/api/status`, { method: 'POST' })).status).toBe(401);
      const status = await fetch(`${url.origin}/api/status`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(((await status.json()) as { value: { terminal: { state: string } } }).value.terminal.state).toBe(
        'READY',
      );

      // Another counter on the same port: one line saying what to do, exit code 1.
      const second = await serve(['--data-dir', enrolledDir(), '--port', url.port, '--ui', uiDir]);
      expect(second.line).toBeNull();
      expect(second.code).toBe(1);
      const lines = second.stderr().trim().split('\n');
      expect(lines.at(-1)).toBe(
        `port ${url.port} on 127.0.0.1 is already in use (another Counter?); stop it or choose another with --port`,
      );
    } finally {
      const exited = new Promise<number | null>((r) => first.proc.once('close', (code) => r(code)));
      first.proc.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    // Closed cleanly: the data directory's lock is released, so the store opens again at once.
    expect(fs.existsSync(path.join(dir, 'host.lock'))).toBe(false);
  }, 60_000);
});
