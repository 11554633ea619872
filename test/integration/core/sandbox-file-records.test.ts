/**
 * The sandbox acquirer's records outside the core's database (SANDBOX_ACQUIRER_FILE): an append-only file on
 * disk shared by core processes. Two handles on one real file stand for two processes (each reads what the
 * other appended); a fresh handle stands for a restarted process.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { money, testCardById } from '../../../src-shared';
import type { AuthoriseRequest } from '../../../src-core/acquirer/acquirer';
import { createSandboxAcquirer } from '../../../src-core/acquirer/sandbox';
import { fileSandboxRecords } from '../../../src-core/acquirer/sandbox-file-records';

const visa = testCardById('visa-approve')!;
const dir = mkdtempSync(path.join(tmpdir(), 'counter-sandbox-'));
const file = path.join(dir, 'sandbox-acquirer.jsonl');

const charge = (amountMinor: number, card = visa, reference = randomUUID()): AuthoriseRequest => ({
  reference,
  card: { kind: 'pan', pan: card.pan, expiry: card.expiry, cvv: '123' },
  amount: money(amountMinor, 'EUR'),
  mode: 'SALE',
  paymentId: '1000001000000000018',
  initiator: 'cardholder',
});

describe('sandbox acquirer records in a file of their own', () => {
  const a = fileSandboxRecords(file);
  const b = fileSandboxRecords(file);
  afterAll(() => {
    a.close();
    b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two processes sharing the file: a reference repeated through the other gets the first answer, one charge', async () => {
    const one = createSandboxAcquirer({ records: a });
    const two = createSandboxAcquirer({ records: b });
    const req = charge(1_234);
    const first = await one.authorise(req);
    expect(first.outcome).toBe('APPROVED');
    expect(await two.authorise(req)).toEqual(first);
    expect(await two.inquire(req.reference)).toEqual({ state: 'AUTHORISATION', outcome: first });
    expect((await b.list()).filter((r) => r.reference === req.reference)).toHaveLength(1);
  });

  it('a restarted process answers an inquiry the same, also a time-out resolved by the other', async () => {
    const one = createSandboxAcquirer({ records: a });
    const refund = {
      reference: randomUUID(),
      cardRef: visa.token,
      amount: money(100, 'EUR'),
      paymentId: '1000001000000000018',
    };
    const done = await one.refund(refund);
    expect(done.ok).toBe(true);
    const timedOut = charge(500, testCardById('visa-timeout')!);
    const lost = await one.authorise(timedOut);
    expect(lost.outcome).toBe('UNKNOWN');
    const resolved = await createSandboxAcquirer({ records: b }).inquire(timedOut.reference);
    const restarted = fileSandboxRecords(file);
    try {
      const again = createSandboxAcquirer({ records: restarted });
      expect(await again.inquire(refund.reference)).toEqual({ state: 'MOVEMENT', result: done });
      expect(await again.inquire(timedOut.reference)).toEqual(resolved);
      expect(await again.inquire(randomUUID())).toEqual({ state: 'NOT_RECEIVED' });
    } finally {
      restarted.close();
    }
    // Only card facts, never the card number.
    expect(readFileSync(file, 'utf8')).not.toContain(visa.pan);
  });
});
