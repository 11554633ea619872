/**
 * Every injected fault of the virtual terminal, against the ECR session. Link faults (bad CRC, missing
 * ACK) exist only on serial lines: in-process serial framing and the real pty. The others run over the
 * in-process line, real TCP and the pty.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { money } from '../../../src-shared';
import type { ByteStream } from '../../../src-main/zvt/transport/byte-stream';
import { createRig, type Rig, type Transport } from './rig';

const eur = (minor: number) => money(minor, 'EUR');

/** Records every chunk the ECR writes (to see NAKs and repeats on the wire). */
function spy(written: number[][]) {
  return (inner: ByteStream): ByteStream => ({
    ...inner,
    get isOpen() {
      return inner.isOpen;
    },
    description: inner.description,
    write: (b) => {
      written.push(Array.from(b));
      return inner.write(b);
    },
    onData: (l) => inner.onData(l),
    onClose: (l) => inner.onClose(l),
    close: () => inner.close(),
  });
}

describe.each(['in-process-serial', 'pty'] as Transport[])('serial link faults over %s', (transport) => {
  let rig: Rig;
  afterEach(async () => rig?.close());

  test('one frame with a bad CRC is NAKed, repeated by the terminal, and the payment is approved once', async () => {
    const written: number[][] = [];
    rig = await createRig(transport, { wrapEcr: spy(written) });
    await rig.session.register();
    rig.vt.injectFault({ kind: 'bad-crc', frames: 1 });
    const out = await rig.session.authorize(eur(1500));
    expect(out.kind).toBe('approved');
    expect(written.some((c) => c.length === 1 && c[0] === 0x15)).toBe(true); // the ECR sent NAK
    expect(rig.vt.bookedTransactions()).toHaveLength(1);
  });

  test('three bad CRCs in a row fail the link; the outcome is recovered as "not charged", never declined', async () => {
    rig = await createRig(transport);
    await rig.session.register();
    rig.vt.injectFault({ kind: 'bad-crc', frames: 3 }); // the terminal's 80 00, sent three times
    const out = await rig.session.authorize(eur(1500));
    expect(out).toMatchObject({
      kind: 'failed',
      error: { code: 'TERMINAL_NOT_CHARGED' },
      recovery: { verdict: 'did-not-go-through' },
    });
    expect(rig.vt.bookedTransactions()).toHaveLength(0);
  });

  test('a missing ACK makes the ECR repeat its command after T2; the payment goes through once', async () => {
    const written: number[][] = [];
    rig = await createRig(transport, { wrapEcr: spy(written) });
    await rig.session.register();
    rig.vt.injectFault({ kind: 'missing-ack', frames: 1 });
    const out = await rig.session.authorize(eur(1500));
    expect(out.kind).toBe('approved');
    const commandFrames = written.filter(
      (c) => c[0] === 0x10 && c[1] === 0x02 && c[2] === 0x06 && c[3] === 0x01,
    );
    expect(commandFrames).toHaveLength(2);
    expect(rig.vt.bookedTransactions()).toHaveLength(1);
  });

  test('no ACK at all: the ECR reports a transmission failure after 3 tries and recovery finds nothing charged', async () => {
    rig = await createRig(transport);
    await rig.session.register();
    rig.vt.injectFault({ kind: 'missing-ack', frames: 3 });
    const out = await rig.session.authorize(eur(1500));
    expect(out).toMatchObject({ kind: 'failed', recovery: { verdict: 'did-not-go-through' } });
    expect(rig.vt.bookedTransactions()).toHaveLength(0);
  });
});

describe.each(['in-process-serial', 'tcp', 'pty'] as Transport[])('terminal faults over %s', (transport) => {
  let rig: Rig;
  afterEach(async () => rig?.close());

  test('a late 80 00 within T3 is fine', async () => {
    rig = await createRig(transport);
    rig.vt.injectFault({ kind: 'late-acceptance', delayMs: 300 });
    expect((await rig.session.authorize(eur(800))).kind).toBe('approved');
  });

  test('an 80 00 later than T3 gives an unknown outcome that recovery resolves as not charged', async () => {
    rig = await createRig(transport);
    rig.vt.injectFault({ kind: 'late-acceptance', delayMs: 1_600 });
    const out = await rig.session.authorize(eur(800));
    expect(out.kind === 'failed' || out.kind === 'approved').toBe(true);
    // Whatever recovery says must match the terminal's books.
    expect(rig.vt.bookedTransactions().length).toBe(out.kind === 'approved' ? 1 : 0);
    expect(out.kind === 'failed' && out.recovery?.verdict).toBe('did-not-go-through');
  });

  test('silence before answering: unknown, then recovery says nothing was charged', async () => {
    rig = await createRig(transport);
    await rig.session.register();
    rig.vt.injectFault({ kind: 'silence-before-answer' });
    const out = await rig.session.authorize(eur(800));
    expect(out).toMatchObject({
      kind: 'failed',
      error: { code: 'TERMINAL_NOT_CHARGED' },
      recovery: { verdict: 'did-not-go-through' },
    });
    expect(rig.vt.bookedTransactions()).toHaveLength(0);
  });

  test('silence after approving: recovery proves the payment went through (approved, not declined)', async () => {
    rig = await createRig(transport);
    await rig.session.register();
    rig.vt.injectFault({ kind: 'silence-after-approval' });
    const out = await rig.session.authorize(eur(4321));
    expect(out.kind).toBe('approved');
    if (out.kind !== 'approved') return;
    expect(out.recovered).toMatchObject({ verdict: 'went-through' });
    expect(out.details).toMatchObject({
      amount: { amountMinor: 4321 },
      receiptNumber: '0001',
      cardToken: expect.any(String),
    });
    expect(rig.vt.bookedTransactions()).toHaveLength(1);
  });

  test('recovery that cannot reach the terminal reports the outcome as unknown with the approval it saw', async () => {
    rig = await createRig(transport, {
      session: { timers: { t3Ms: 1_000, t4Ms: 1_200, recoveryAttempts: 2, recoveryDelayMs: 50 } },
    });
    await rig.session.register();
    rig.vt.injectFault({ kind: 'silence-after-approval' });
    // Once the payment is booked, the terminal stays silent to every recovery command.
    rig.vt.onEvent((e) => {
      if (e.kind === 'booked')
        for (let i = 0; i < 6; i++) rig.vt.injectFault({ kind: 'silence-before-answer' });
    });
    const out = await rig.session.authorize(eur(999));
    expect(out).toMatchObject({
      kind: 'unknown',
      error: { code: 'TERMINAL_OUTCOME_UNKNOWN' },
      recovery: { verdict: 'undetermined' },
    });
    expect(out.kind === 'unknown' && out.details?.receiptNumber).toBe('0001');
    rig.vt.clearFaults();
    const later = await rig.session.recover({
      seenApproval: out.kind === 'unknown' ? out.details : undefined,
    });
    expect(later.verdict).toBe('went-through');
  });

  test('a terminal stuck in its goods-issue loop repeats the 04 0F; the ECR books one payment', async () => {
    rig = await createRig(transport);
    rig.vt.injectFault({ kind: 'goods-issue-loop', repeats: 3 });
    const out = await rig.session.authorize(eur(250));
    expect(out.kind).toBe('approved');
    expect(rig.vt.bookedTransactions()).toHaveLength(1);
  });

  test('ECR-side goods issue: "ask again" until the terminal gives up reverses the payment (6C)', async () => {
    rig = await createRig(transport, {
      session: { answerStatusInformation: () => ({ kind: 'retry-later' }) },
    });
    const out = await rig.session.authorize(eur(250), { maxStatusInfos: 1 });
    expect(out).toMatchObject({ kind: 'aborted', resultCode: 0x6c });
    expect(rig.vt.bookedTransactions()).toHaveLength(0);
  });

  test('ECR-side goods issue: partial issue books only the issued amount', async () => {
    rig = await createRig(transport, {
      session: { answerStatusInformation: () => ({ kind: 'partial', amount: eur(100) }) },
    });
    const out = await rig.session.authorize(eur(250));
    expect(out.kind).toBe('approved');
    expect(rig.vt.bookedTransactions().map((e) => e.amountMinor)).toEqual([100]);
  });
});

describe('application timers', () => {
  let rig: Rig;
  afterEach(async () => rig?.close());

  test('T4 restarts with every intermediate status: a payment longer than T4 in total still completes', async () => {
    // Three statuses 450 ms apart (girocard: insert card, PIN pad, host) = 1.35 s > T4 of 1 s.
    rig = await createRig('in-process-serial', {
      session: { timers: { t3Ms: 1_000, t4Ms: 1_000, recoveryAttempts: 1, recoveryDelayMs: 10 } },
      vt: {
        cardId: 'girocard-pin',
        timers: { customerDelayMs: 450, hostDelayMs: 450, answerTimeoutMs: 2_000 },
      },
    });
    await rig.session.register();
    const out = await rig.session.authorize(eur(1999));
    expect(out.kind).toBe('approved');
    expect(out.kind === 'approved' && out.recovered).toBeUndefined();
  });
});
