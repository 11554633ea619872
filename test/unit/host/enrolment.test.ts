/**
 * The pure parts of enrolment from the settings screen: the sentence for each way the core's check can fail
 * (enrolment.ts `verificationProblem`), and the headless secret file's rules (terminal-secret.ts) on a real
 * temporary directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verificationProblem } from '../../../src-main/host/enrolment';
import { fileSecretKeeper, terminalSecretPath } from '../../../src-main/host/terminal-secret';

const URL_ = 'https://pay.example.com';
const failure = (status: number | null, kind: 'transient' | 'rejected', code = 'X', message = 'm.') =>
  ({ status, kind, code, message }) as Parameters<typeof verificationProblem>[1];

describe('what a failed enrolment check says', () => {
  it('no answer or a server error: check the address and that the core runs', () => {
    for (const f of [
      failure(null, 'transient', 'CORE_UNREACHABLE', 'connect ECONNREFUSED.'),
      failure(503, 'transient'),
    ])
      expect(verificationProblem(URL_, f)).toMatch(
        /^the core at https:\/\/pay\.example\.com did not answer \(.+\): check the address and that the core is running/,
      );
  });
  it('a refused key or secret: enter them as enroll-terminal printed them', () => {
    for (const status of [401, 403])
      expect(verificationProblem(URL_, failure(status, 'rejected', 'AUTHORIZATION_INVALID'))).toMatch(
        /refused this key id and secret \(AUTHORIZATION_INVALID\): enter them exactly as `npm run core -- enroll-terminal`/,
      );
  });
  it('an address that answers but is no core, and any other refusal, say so', () => {
    expect(verificationProblem(URL_, failure(404, 'rejected'))).toContain('it is not a payment core');
    expect(verificationProblem(URL_, failure(409, 'rejected', 'SOME_CODE', 'Why.'))).toBe(
      'the core at https://pay.example.com answered with an error (SOME_CODE: Why)',
    );
  });
});

describe('the headless secret file', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'counter-secret-'));

  it('is written owner-only (also over a wider file left behind) and read back', () => {
    const d = dir();
    fs.writeFileSync(terminalSecretPath(d), 'old\n', { mode: 0o600 });
    const keeper = fileSecretKeeper(d);
    expect(keeper.load()).toEqual({ ok: true, value: 'old' });
    expect(keeper.save('s3cret-value-1234').ok).toBe(true);
    expect(fs.statSync(terminalSecretPath(d)).mode & 0o777).toBe(0o600);
    expect(keeper.load()).toEqual({ ok: true, value: 's3cret-value-1234' });
    // No temporary file is left beside it.
    expect(fs.readdirSync(d)).toEqual(['terminal-secret']);
  });

  it('is absent before an enrolment, and refused when others can read it', () => {
    const d = dir();
    expect(fileSecretKeeper(d).load()).toEqual({ ok: true, value: null });
    fs.writeFileSync(terminalSecretPath(d), 'x\n', { mode: 0o644 });
    fs.chmodSync(terminalSecretPath(d), 0o644);
    const r = fileSecretKeeper(d).load();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('SECRET_STORAGE_REFUSED');
      expect(r.error.message).toContain('readable by other users');
    }
  });
});
