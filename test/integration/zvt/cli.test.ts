/** The technician CLI as a technician runs it: real processes, the virtual terminal on a real pty. */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cli = path.join(root, 'src-main', 'zvt', 'cli', 'main.ts');
const run = (...args: string[]) =>
  spawnSync(tsx, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

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
});
