/** The technician CLI as a technician runs it: real processes, the virtual terminal on a real pty. */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cli = path.join(root, 'src-main', 'zvt', 'cli', 'main.ts');
const run = (...args: string[]) =>
  spawnSync(tsx, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
/** Runs the CLI with a given machine locale (LANG), the rest of the environment unchanged. */
const runWithLang = (lang: string | undefined, ...args: string[]) => {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: lang, LC_ALL: undefined, LC_NUMERIC: undefined };
  return spawnSync(tsx, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, env });
};

/** Starts `simulate` on a pty and resolves its ECR path; kill the process when done. */
async function simulate(...args: string[]) {
  const sim = spawn(tsx, [cli, 'simulate', '--json', ...args], { cwd: root });
  const ready = await new Promise<{ ecrPath: string }>((resolve, reject) => {
    let out = '';
    sim.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /\{[\s\S]*"ecrPath"[\s\S]*?\}/.exec(out);
      if (m) resolve(JSON.parse(m[0]) as { ecrPath: string });
    });
    sim.once('exit', () => reject(new Error(`simulate exited: ${out}`)));
  });
  return { sim, port: ready.ecrPath };
}

describe('npm run terminal', () => {
  test('decode turns a captured frame into JSON with named fields and texts', () => {
    const r = run('decode', '10 02 06 1E 01 6C 10 03 42 27', '--json');
    const crcFixed = run('decode', '06 1E 01 6C', '--json');
    expect(crcFixed.status).toBe(0);
    expect(JSON.parse(crcFixed.stdout)).toMatchObject({
      command: 'Abort (PT)',
      fields: { resultCode: 108 },
      texts: { resultCode: { de: 'Abbruch durch Timeout oder Abbruch-Taste' } },
    });
    // A frame with a wrong CRC is refused and the error names the offset of the CRC.
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({ offset: 8, reason: expect.stringContaining('CRC') });
  });

  test('without --port or --host it says what to give, with exit code 2', () => {
    const r = run('status');
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('give --port <serial path>');
  });

  test('an option the command does not have is refused with where it belongs, not ignored', () => {
    const r = run('pay', '12.50', '--port', '/dev/null', '--card', 'visa-declined');
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("'pay' has no option --card (--card is an option of 'simulate')");
  });

  test('a serial port that does not exist names the port and what to check', () => {
    const r = run('status', '--port', '/dev/counter-no-such-port', '--json');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'TERMINAL_SERIAL_PORT_FAILED',
      message: expect.stringContaining('/dev/counter-no-such-port'),
    });
  });

  test('simulate prints a pty path; pay and status against it work over real serial', async () => {
    const sim = spawn(tsx, [cli, 'simulate', '--delay', '0', '--card', 'mastercard-pin', '--json'], {
      cwd: root,
    });
    try {
      const ready = await new Promise<{ ecrPath: string }>((resolve, reject) => {
        let out = '';
        sim.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /\{[\s\S]*"ecrPath"[\s\S]*?\}/.exec(out);
          if (m) resolve(JSON.parse(m[0]) as { ecrPath: string });
        });
        sim.once('exit', () => reject(new Error(`simulate exited: ${out}`)));
      });
      const pay = run('pay', '7.50', '--port', ready.ecrPath, '--json');
      expect(pay.status).toBe(0);
      expect(JSON.parse(pay.stdout)).toMatchObject({
        kind: 'approved',
        details: {
          amount: { amountMinor: 750, currency: 'EUR' },
          maskedPan: '555555******4444',
          cardholderAuthentication: 'online-pin',
        },
      });
      const status = run('status', '--port', ready.ecrPath);
      expect(status.status).toBe(0);
      expect(status.stdout).toContain('PT ready / PT bereit');
      // Each command names its success in words a technician reads at a glance.
      const receipt = (JSON.parse(pay.stdout) as { details: { receiptNumber: string } }).details
        .receiptNumber;
      const reverse = run('reverse', receipt, '--port', ready.ecrPath);
      expect(reverse.status).toBe(0);
      expect(reverse.stdout).toMatch(/^REVERSED EUR 7\.50/m);
      const again = run('reverse', receipt, '--port', ready.ecrPath);
      expect(again.status).toBe(1);
      expect(again.stdout).toMatch(/already reversed/i);
      const eod = run('end-of-day', '--port', ready.ecrPath);
      expect(eod.status).toBe(0);
      expect(eod.stdout).toMatch(/^SETTLED/m);
    } finally {
      sim.kill('SIGTERM');
    }
  }, 90_000);

  test('pay takes 1.234,56 and 1,234.56 alike, whatever LANG says (issue 7)', async () => {
    const { sim, port } = await simulate('--delay', '0');
    try {
      for (const [lang, text] of [
        ['en_US.UTF-8', '1.234,56'],
        ['de_DE.UTF-8', '1,234.56'],
        [undefined, '1.234,56'],
      ] as const) {
        const pay = runWithLang(lang, 'pay', text, '--port', port, '--json');
        expect(pay.status, `${text} with LANG=${lang}: ${pay.stdout}`).toBe(0);
        expect(JSON.parse(pay.stdout).details.amount).toEqual({ amountMinor: 123456, currency: 'EUR' });
      }
      // A German machine reads 1.234 as one thousand two hundred thirty-four euros.
      const de = runWithLang('de_DE.UTF-8', 'pay', '1.234', '--port', port, '--json');
      expect(JSON.parse(de.stdout).details.amount.amountMinor).toBe(123400);
    } finally {
      sim.kill('SIGTERM');
    }
  }, 90_000);

  test('an amount that reads two ways, a negative or a zero amount is a usage error (exit 2) in the units typed', () => {
    const ambiguous = runWithLang('C.UTF-8', 'pay', '1.234', '--port', '/dev/counter-no-such-port');
    expect(ambiguous.status).toBe(2);
    expect(ambiguous.stdout).toContain('--locale de-DE');
    const negative = run('pay', '-5', '--port', '/dev/counter-no-such-port');
    expect(negative.status).toBe(2);
    expect(negative.stdout).toContain('got -5.');
    expect(negative.stdout).not.toContain('-500');
    const zero = run('refund', '0,00', '--port', '/dev/counter-no-such-port', '--json');
    expect(zero.status).toBe(2);
    expect(JSON.parse(zero.stdout).error.code).toBe('AMOUNT_NOT_POSITIVE');
    const locale = run('pay', '1.234,56', '--locale', 'en-US', '--port', '/dev/counter-no-such-port');
    expect(locale.status).toBe(2);
  });

  test('while the terminal works, the CLI says what it waits for and for how long at most', async () => {
    const { sim, port } = await simulate('--delay', '300', '--card', 'mastercard-pin');
    try {
      const pay = run('pay', '3,00', '--port', port);
      expect(pay.status).toBe(0);
      expect(pay.stderr).toContain('waiting for the terminal to accept Authorization (up to 5 s)');
      expect(pay.stderr).toContain('waiting for the customer at the terminal (up to 180 s)');
      expect(pay.stderr).toMatch(/Insert card \/ Karte einstecken — waiting up to 180 s/);
      expect(pay.stderr).toMatch(/Please watch PIN pad .* — waiting up to 180 s/);
    } finally {
      sim.kill('SIGTERM');
    }
  }, 90_000);

  test('read-card shows the presented card and its token, masked; no card is exit 1 with what to do', async () => {
    const { sim, port } = await simulate('--delay', '0', '--card', 'girocard-pin');
    try {
      const read = run('read-card', '--port', port, '--timeout', '10');
      expect(read.status).toBe(0);
      expect(read.stdout).toMatch(/^CARD READ/m);
      expect(read.stdout).toContain('0f6b2a4e-1c3d-4e5f-8a7b-000000000003');
      expect(read.stdout).toContain('******0003');
      expect(read.stdout).not.toContain('6703000000000000003');
      expect(read.stderr).toMatch(/waiting for the customer to present a card \(up to \d+ s\)/);
      const json = run('read-card', '--port', port, '--json');
      expect(JSON.parse(json.stdout)).toMatchObject({
        kind: 'read',
        card: { last4: '0003', expiry: '12/30' },
      });
      sim.stdin.write('none\n');
      await new Promise((r) => setTimeout(r, 300));
      const none = run('read-card', '--port', port, '--timeout', '1');
      expect(none.status).toBe(1);
      expect(none.stdout).toContain('No card was presented at the card terminal within 1 s');
      const bad = run('read-card', '--port', port, '--timeout', '300');
      expect(bad.status).toBe(2);
    } finally {
      sim.kill('SIGTERM');
    }
  }, 90_000);

  test('decode reads a Status Enquiry completion without --after, and says which layout it used (issue 8)', () => {
    const hex = '06 0F 12 F0 F1 F4 43 6F 75 6E 74 65 72 2D 56 54 20 31 2E 30 00';
    const auto = run('decode', hex, '--json');
    expect(auto.status).toBe(0);
    expect(JSON.parse(auto.stdout)).toMatchObject({
      command: 'Completion',
      layout: 'status-enquiry',
      fields: { softwareVersion: 'Counter-VT 1.0', terminalStatus: 0 },
      texts: { terminalStatus: { en: 'PT ready' } },
      note: expect.stringContaining('BMP F4'),
    });
    const text = run('decode', hex);
    expect(text.stdout).toContain('read as the completion of a Status Enquiry');
    // A completion that reads as BMPs stays one, and says so.
    const bitmaps = run('decode', '06 0F 0A 19 00 29 52500001 49 0978', '--json');
    expect(JSON.parse(bitmaps.stdout)).toMatchObject({
      layout: 'bitmaps',
      fields: { terminalId: '52500001' },
    });
    // --after forces a layout: no guessing.
    const forced = run('decode', hex, '--after', 'command', '--json');
    expect(forced.status).toBe(1);
  });
});
