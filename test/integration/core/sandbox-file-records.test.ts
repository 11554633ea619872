/**
 * The sandbox acquirer's records outside the core's database (SANDBOX_ACQUIRER_FILE): an append-only file on
 * disk shared by core processes. Two handles on one real file stand for two processes (each reads what the
 * other appended); a fresh handle stands for a restarted process.
 */
import { randomUUID, webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createUuidV7Generator, money, testCardById } from '../../../src-shared';
import type { AuthoriseRequest } from '../../../src-core/acquirer/acquirer';
import { createSandboxAcquirer } from '../../../src-core/acquirer/sandbox';
import { fileSandboxRecords } from '../../../src-core/acquirer/sandbox-file-records';

const visa = testCardById('visa-approve')!;
const dir = mkdtempSync(path.join(tmpdir(), 'counter-sandbox-'));
const file = path.join(dir, 'sandbox-acquirer.jsonl');

const charge = (amountMinor: number, card = visa, reference: string = randomUUID()): AuthoriseRequest => ({
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

describe('sandbox acquirer records: memory bounded however long it runs', () => {
  const boundedDir = mkdtempSync(path.join(tmpdir(), 'counter-sandbox-bounded-'));
  const boundedFile = path.join(boundedDir, 'sandbox-acquirer.jsonl');
  /** References as the journal mints them: UUIDv7, the time inside. */
  const newReference = createUuidV7Generator({
    now: () => Date.now(),
    randomBytes: (n) => webcrypto.getRandomValues(new Uint8Array(n)),
  });
  const lines = () => readFileSync(boundedFile, 'utf8').split('\n').filter(Boolean).length;
  afterAll(() => rmSync(boundedDir, { recursive: true, force: true }));

  it('holds the newest 50 of 600 records; new references never read the file, old ones are still answered from it', async () => {
    const records = fileSandboxRecords(boundedFile, { keep: 50 });
    const other = fileSandboxRecords(boundedFile, { keep: 50 });
    try {
      const sandbox = createSandboxAcquirer({ records });
      const made: { reference: string; result: Awaited<ReturnType<typeof sandbox.refund>> }[] = [];
      for (let i = 0; i < 600; i++) {
        const reference = newReference();
        const req = {
          reference,
          cardRef: visa.token,
          amount: money(100 + i, 'EUR'),
          paymentId: '1000001000000000018',
        };
        made.push({ reference, result: await sandbox.refund(req) });
      }
      expect(made.every((m) => m.result.ok)).toBe(true);
      expect(records.stats()).toEqual({ inMemory: 50, fileLookups: 0 });
      expect(lines()).toBe(600);

      // The first record, long out of memory: asked about, and repeated with its reference (one answer, no
      // second refund written), from this process and from the other.
      const first = made[0]!;
      expect(await sandbox.inquire(first.reference)).toEqual({ state: 'MOVEMENT', result: first.result });
      const repeat = await sandbox.refund({
        reference: first.reference,
        cardRef: visa.token,
        amount: money(999, 'EUR'),
        paymentId: '1000001000000000018',
      });
      expect(repeat).toEqual(first.result);
      expect(lines()).toBe(600);
      expect(records.stats().fileLookups).toBeGreaterThan(0);
      const fromOther = createSandboxAcquirer({ records: other });
      for (const m of [made[0]!, made[299]!, made[599]!]) {
        expect(await fromOther.inquire(m.reference)).toEqual({ state: 'MOVEMENT', result: m.result });
      }
      expect(other.stats().inMemory).toBe(50);
      expect(await fromOther.inquire(newReference())).toEqual({ state: 'NOT_RECEIVED' });
      expect((await records.list()).length).toBe(600);
    } finally {
      records.close();
      other.close();
    }
  });

  it('a time-out let go from memory and resolved by inquiry answers the same after a restart', async () => {
    const records = fileSandboxRecords(boundedFile, { keep: 5 });
    try {
      const sandbox = createSandboxAcquirer({ records });
      const timedOut = charge(700, testCardById('visa-timeout')!, newReference());
      expect((await sandbox.authorise(timedOut)).outcome).toBe('UNKNOWN');
      for (let i = 0; i < 20; i++) await sandbox.authorise(charge(100 + i, visa, newReference()));
      expect(records.stats().inMemory).toBe(5);
      const resolved = await sandbox.inquire(timedOut.reference);
      expect(resolved.state).toBe('AUTHORISATION');
      const restarted = fileSandboxRecords(boundedFile, { keep: 5 });
      try {
        expect(await createSandboxAcquirer({ records: restarted }).inquire(timedOut.reference)).toEqual(
          resolved,
        );
        expect(restarted.stats().inMemory).toBe(5);
      } finally {
        restarted.close();
      }
    } finally {
      records.close();
    }
  });
});
