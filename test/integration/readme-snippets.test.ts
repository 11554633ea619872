/**
 * Every code block of the README runs as written, or says why it cannot. Convention: the line before each
 * fenced block is `<!-- runnable: … -->` or `<!-- not runnable: <reason> -->`; an unmarked block fails here.
 *
 * Runnable blocks run in README order against a real core on embedded PGlite that this test starts, with the
 * demo credentials `npm start` would have written: `sh` blocks through `bash -e` (so `npm run core -- …`
 * exactly as typed), `js` blocks through `node` as an ES module from the repository root (so the real
 * `onlinepayments-sdk-nodejs` is imported). They get what a newcomer's shell has after `npm start`, with the
 * test's data directory and port: `COUNTER_DATA_DIR` and `PORT`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoCredentials } from '../../src-core/admin/demo-credentials';
import { runCoreCommand, spawnCore, type CoreProcess } from '../helpers/core-process';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

interface Snippet {
  lang: string;
  code: string;
  line: number;
  marker: string | null;
}

/** Fenced blocks with the marker on the nearest non-blank line above (null when there is none). */
export function readmeSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end < 0) throw new Error(`README line ${i + 1}: a code block is never closed`);
    let above = i - 1;
    while (above >= 0 && lines[above]!.trim() === '') above--;
    const marker = /^<!-- ((?:not )?runnable)(?::\s*(.*?))?\s*-->$/.exec(lines[above]?.trim() ?? '');
    snippets.push({
      lang: open[1] ?? '',
      code: lines.slice(i + 1, end).join('\n') + '\n',
      line: i + 1,
      marker: marker ? `${marker[1]}${marker[2] ? `: ${marker[2]}` : ''}` : null,
    });
    i = end;
  }
  return snippets;
}

function run(
  cmd: string,
  args: string[],
  input: string | null,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env } });
    let out = '';
    proc.stdout.on('data', (d) => (out += String(d)));
    proc.stderr.on('data', (d) => (out += String(d)));
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, out }));
    if (input !== null) proc.stdin.end(input);
    else proc.stdin.end();
  });
}

const snippets = readmeSnippets(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
const runnable = snippets.filter((s) => s.marker?.startsWith('runnable'));

describe('README code blocks', () => {
  it('each is marked runnable, or not runnable with its reason', () => {
    expect(snippets.length).toBeGreaterThan(0);
    for (const s of snippets) {
      expect(
        s.marker,
        `README line ${s.line}: mark the block <!-- runnable: … --> or <!-- not runnable: why -->`,
      ).not.toBeNull();
      if (s.marker!.startsWith('not runnable')) {
        expect(s.marker!.length, `README line ${s.line}: say why it cannot run`).toBeGreaterThan(
          'not runnable: '.length + 10,
        );
      } else {
        expect(['sh', 'js'], `README line ${s.line}: only sh and js blocks can run`).toContain(s.lang);
      }
    }
    expect(runnable.map((s) => s.lang)).toEqual(expect.arrayContaining(['sh', 'js']));
  });
});

describe('README runnable blocks, in order, against a core on PGlite', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'counter-readme-'));
  const base = { COUNTER_DATA_DIR: dataDir, DATABASE_URL: '', COUNTER_MASTER_KEY: '' };
  let core: CoreProcess;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    core = await spawnCore({ ...base, LOG_REQUESTS: '0' });
    env = { ...base, PORT: String(core.port) };
    // What `npm start` provisions on its first run (scripts/start.ts), through the running core.
    const cli = async <T>(...args: string[]): Promise<T> => {
      const r = await runCoreCommand([...args, '--json'], env);
      if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    };
    const merchant = await cli<{ id: string }>('create-merchant', '--name', 'Counter Demo Shop');
    const key = await cli<{ keyId: string; secret: string }>('create-api-key', '--merchant', merchant.id);
    const store = await cli<{ storeId: string }>(
      'create-store',
      '--merchant',
      merchant.id,
      '--name',
      'Main Street',
    );
    const terminal = await cli<{ terminalId: string; keyId: string; secret: string; issuer: number }>(
      'enroll-terminal',
      '--merchant',
      merchant.id,
      '--store',
      store.storeId,
    );
    writeDemoCredentials(dataDir, {
      merchantId: merchant.id,
      apiKeyId: key.keyId,
      secretApiKey: key.secret,
      storeId: store.storeId,
      terminalId: terminal.terminalId,
      terminalKeyId: terminal.keyId,
      terminalSecret: terminal.secret,
      issuer: terminal.issuer,
    });
  }, 180_000);
  afterAll(async () => {
    if (core) await core.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const s of runnable) {
    it(`the ${s.lang} block at README line ${s.line} runs as written`, { timeout: 180_000 }, async () => {
      const r =
        s.lang === 'sh'
          ? await run('bash', ['-e', '-o', 'pipefail', '-c', s.code], null, env)
          : await run(process.execPath, ['--input-type=module'], s.code, env);
      expect(r.code, `README line ${s.line}:\n${r.out}`).toBe(0);
    });
  }
});
