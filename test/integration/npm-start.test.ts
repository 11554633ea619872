/**
 * `npm start` as a newcomer runs it (issue 10 "Shell and start"): the real command through npm, in temporary
 * data directories on free ports. The banner comes only when the UI and the API answer; a second `npm start`
 * on the same ports is one clear line and exit code 1; SIGTERM to the process npm started leaves no process
 * behind (core, virtual terminal's socat, host).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Every process below pid (children, grandchildren…), from ps. */
function descendants(pid: number): number[] {
  const table = spawnSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).stdout.trim().split('\n');
  const byParent = new Map<number, number[]>();
  for (const row of table) {
    const [p, pp] = row.trim().split(/\s+/).map(Number) as [number, number];
    byParent.set(pp, [...(byParent.get(pp) ?? []), p]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of byParent.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function npmStart(env: NodeJS.ProcessEnv): { proc: ChildProcess; output: () => string } {
  const proc = spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'pipe' });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += String(d)));
  proc.stderr?.on('data', (d: Buffer) => (out += String(d)));
  return { proc, output: () => out };
}

async function until<T>(what: string, f: () => T | null | undefined, timeoutMs: number, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen within ${timeoutMs / 1000} s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm start', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'counter-npm-start-'));
  const started: ChildProcess[] = [];
  afterAll(() => {
    for (const p of started) if (p.pid && alive(p.pid)) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('is ready with a working UI and API, refuses a second start clearly, and SIGTERM stops every child', async () => {
    const env = {
      PORT: String(await freePort()),
      COUNTER_UI_PORT: String(await freePort()),
      COUNTER_DATA_DIR: path.join(dir, 'core'),
      COUNTER_HOST_DATA_DIR: path.join(dir, 'host'),
      COUNTER_LOG_DIR: path.join(dir, 'logs'),
      COUNTER_BROWSER: '1',
    };
    const first = npmStart(env);
    started.push(first.proc);
    const banner = await until(
      'the ready banner',
      () => /Counter is ready\./.test(first.output()),
      150_000,
      first.output,
    );
    expect(banner).toBe(true);
    const url = /Cashier UI\s+(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(first.output())?.[1];
    expect(url, first.output()).toBeDefined();
    expect(first.output()).toMatch(/PIN 1111/);
    expect(first.output()).toMatch(/API key\s+\S+/);

    const page = await fetch(url!.split('#')[0]!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const token = url!.split('#token=')[1]!;
    const status = (await (
      await fetch(`${url!.split('/#')[0]}/api/status`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
      })
    ).json()) as { ok: boolean; value: { online: boolean } };
    expect(status.ok).toBe(true);
    expect(status.value.online).toBe(true);

    const second = npmStart(env);
    started.push(second.proc);
    const code = await new Promise<number | null>((r) => second.proc.once('exit', r));
    expect(code).toBe(1);
    expect(second.output()).toMatch(
      /port \d+ on 127\.0\.0\.1 \(the core\) is already in use — is another `npm start` running\?/,
    );
    expect(second.output()).not.toMatch(/Counter is ready/);

    const children = descendants(first.proc.pid!);
    expect(children.length).toBeGreaterThanOrEqual(3); // launcher, core, socat
    const ptyLink = /ZVT on (\S+)\)/.exec(first.output())?.[1];
    expect(ptyLink && existsSync(ptyLink)).toBe(true);
    first.proc.kill('SIGTERM');
    await until(
      'every child of npm start to stop',
      () => children.every((p) => !alive(p)),
      20_000,
      () => `still running: ${children.filter(alive).join(', ')}\n${first.output()}`,
    );
    expect(existsSync(ptyLink!)).toBe(false);
  }, 240_000);
});
