import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCli, runCommand, runCommandAsync } from '../../../src-main/host/cli';
import { tempDataDir } from '../../helpers/host-store';

const run = (dir: string, argv: string[]) => {
  const { command, flags } = parseCli(argv);
  return runCommand(command, flags, dir);
};

describe('npm run host', () => {
  it('enrolls a counter, reports status, exports and imports a rescue file, and says what sync needs', async () => {
    const dir = tempDataDir();
    process.env.TEST_MANAGER_PIN = '8642';
    expect(
      run(dir, [
        'enroll',
        '--issuer',
        '5001',
        '--terminal',
        '127.0.0.1:20007',
        '--manager',
        'boss',
        '--pin-env',
        'TEST_MANAGER_PIN',
      ]),
    ).toMatchObject({
      ok: true,
      value: { issuer: 5001, terminal: '127.0.0.1:20007', manager: 'boss' },
    });
    expect(run(dir, ['enroll', '--issuer', '12'])).toMatchObject({
      ok: false,
      error: { code: 'HOST_COMMAND_INVALID', message: expect.stringContaining('--issuer') },
    });
    expect(run(dir, ['status'])).toMatchObject({
      ok: true,
      value: { issuer: 5001, queued: 0, cardPaymentInDoubt: null },
    });
    expect(run(dir, ['z-report'])).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('--preview') },
    });
    expect(run(dir, ['z-report', '--preview'])).toMatchObject({
      ok: true,
      value: { reportId: 'preview', queued: 0 },
    });
    process.env.TEST_RESCUE_PASS = 'long enough passphrase';
    const file = path.join(dir, 'rescue.json');
    expect(run(dir, ['export-rescue', '--out', file, '--passphrase-env', 'TEST_RESCUE_PASS'])).toMatchObject({
      ok: true,
      value: { messages: 0 },
    });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const other = tempDataDir();
    expect(run(other, ['import-rescue', '--in', file, '--passphrase-env', 'TEST_RESCUE_PASS'])).toMatchObject(
      { ok: true, value: { queued: 0 } },
    );
    expect(run(dir, ['export-rescue', '--out', file, '--passphrase-env', 'NOT_SET_ANYWHERE'])).toMatchObject({
      ok: false,
      error: { code: 'HOST_COMMAND_INVALID' },
    });
    const sync = await runCommandAsync('sync', new Map(), dir);
    expect(sync).toMatchObject({
      ok: false,
      error: { code: 'HOST_NOT_WIRED', message: expect.stringContaining('COUNTER_TERMINAL_SECRET') },
    });
  });
});
