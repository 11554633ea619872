/**
 * Every ECR flow against the virtual terminal, over each transport: the in-process line (serial framing
 * and bare APDUs), real TCP on 127.0.0.1 (port 0), and a real socat pty pair through serialport.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { money, TEST_CARDS } from '../../../src-shared';
import { createRig, type Rig, type Transport } from './rig';

const eur = (minor: number) => money(minor, 'EUR');
const TRANSPORTS: Transport[] = ['in-process-serial', 'in-process-tcp', 'tcp', 'pty'];
const FULL_PANS = TEST_CARDS.map((c) => c.pan);

function expectNoFullPan(value: unknown): void {
  const json = JSON.stringify(value);
  for (const pan of FULL_PANS) expect(json).not.toContain(pan);
}

describe.each(TRANSPORTS)('ZVT flows over %s', (transport) => {
  let rig: Rig;
  afterEach(async () => rig?.close());

  test('registration, status enquiry and an approved authorization with statuses, receipt and card token', async () => {
    rig = await createRig(transport);
    const reg = await rig.session.register();
    expect(reg).toEqual({ ok: true, value: { terminalId: '52500001', currency: '0978', statusByte: 0 } });
    const status = await rig.session.statusEnquiry();
    expect(status.ok && status.value).toMatchObject({
      code: 0,
      text: { en: 'PT ready' },
      softwareVersion: 'Counter-VT 1.0',
    });

    const statuses: string[] = [];
    const lines: string[] = [];
    rig.session.onStatus((e) => statuses.push(`${e.text.en} / ${e.text.de}`));
    rig.session.onReceiptLine((l) => lines.push(l));
    const out = await rig.session.authorize(eur(1250));
    expect(out.kind).toBe('approved');
    if (out.kind !== 'approved') return;
    expect(statuses).toEqual([
      'Insert card / Karte einstecken',
      'Waiting for response from host / Warte auf Antwort vom Host',
    ]);
    expect(out.details).toMatchObject({
      resultCode: 0,
      amount: { amountMinor: 1250, currency: 'EUR' },
      trace: '000001',
      receiptNumber: '0001',
      turnoverNumber: '000001',
      terminalId: '52500001',
      maskedPan: '433026******4675',
      cardName: 'VISA',
      cardType: { id: 10, name: 'VISA' },
      aid: expect.stringMatching(/^\d{6}$/),
      emvAid: 'A0000000031010',
      date: expect.stringMatching(/^\d{4}$/),
      time: expect.stringMatching(/^\d\d:\d\d:\d\d$/),
      cardToken: TEST_CARDS[0]!.token,
      cardTechnology: 'contactless',
    });
    expect(out.receipts.map((r) => r.type)).toEqual(['customer', 'merchant']);
    expect(out.receipts[0]!.lines).toContain('Betrag EUR 12,50');
    expect(lines.length).toBe(out.receipts[0]!.lines.length + out.receipts[1]!.lines.length);
    expectNoFullPan(out);
    expect(rig.vt.bookedTransactions().map((e) => [e.kind, e.receipt, e.amountMinor])).toEqual([
      ['payment', 1, 1250],
    ]);
  });

  test('PIN card shows "watch PIN pad"; declines carry the reason; aborts are not declines', async () => {
    rig = await createRig(transport);
    await rig.session.register();
    const statuses: number[] = [];
    rig.session.onStatus((e) => statuses.push(e.code));

    rig.vt.presentCard('girocard-pin');
    const pin = await rig.session.authorize(eur(2000));
    expect(pin.kind === 'approved' && pin.details).toMatchObject({
      cardholderAuthentication: 'online-pin',
      cardType: { name: 'girocard' },
    });
    expect(statuses).toContain(0x01);

    rig.vt.presentCard('visa-declined');
    const declined = await rig.session.authorize(eur(2000));
    expect(declined).toMatchObject({
      kind: 'declined',
      resultCode: 0x05,
      error: { code: 'TERMINAL_DECLINED' },
    });
    expect(declined.kind === 'declined' && declined.reason.de).toContain('abgelehnt');
    expect(declined.kind === 'declined' && declined.receipts[0]?.lines).toContain('Zahlung nicht erfolgt');

    rig.vt.presentCard('visa-limit-100');
    expect((await rig.session.authorize(eur(10_001))).kind === 'declined').toBe(true);
    expect((await rig.session.authorize(eur(10_000))).kind).toBe('approved');

    rig.vt.presentCard('visa-expired');
    expect(await rig.session.authorize(eur(500))).toMatchObject({
      kind: 'declined',
      resultCode: 0x78,
      reason: { en: 'card expired' },
    });
    rig.vt.presentCard('mastercard-stolen');
    expect(await rig.session.authorize(eur(500))).toMatchObject({ kind: 'declined', resultCode: 0x6e });
    rig.vt.presentCard('visa-timeout');
    expect(await rig.session.authorize(eur(500))).toMatchObject({ kind: 'declined', resultCode: 0xa1 });
    rig.vt.presentCard('maestro-removed');
    expect(await rig.session.authorize(eur(500))).toMatchObject({ kind: 'declined', resultCode: 0x66 });
    rig.vt.presentCard('visa-abort');
    expect(await rig.session.authorize(eur(500))).toMatchObject({
      kind: 'aborted',
      resultCode: 0x6c,
      by: 'customer-or-terminal',
    });

    expect(rig.vt.bookedTransactions().map((e) => e.amountMinor)).toEqual([2000, 10_000]);
  });

  test('the ECR aborts a running payment while the customer is asked to insert the card', async () => {
    rig = await createRig(transport, { vt: { timers: { customerDelayMs: 400 } } });
    await rig.session.register();
    rig.session.onStatus((e) => {
      if (e.code === 0x0a) void rig.session.abort();
    });
    const out = await rig.session.authorize(eur(990));
    expect(out).toMatchObject({ kind: 'aborted', by: 'ecr', resultCode: 0x6c });
    expect(rig.vt.bookedTransactions()).toEqual([]);
    expect(await rig.session.abort()).toEqual({ ok: true, value: undefined }); // idle abort: 80 00
  });

  test('pre-authorisation, then book total, partial reversal and pre-auth reversal by receipt number', async () => {
    rig = await createRig(transport);
    await rig.session.register();
    const p1 = await rig.session.preAuthorize(eur(5000));
    expect(p1.kind).toBe('approved');
    if (p1.kind !== 'approved') return;
    expect(p1.receipts).toEqual([]); // P15 §2.8: no receipt for a successful pre-authorisation
    const booked = await rig.session.bookTotal(p1.details.receiptNumber!, eur(4200));
    expect(booked.kind === 'approved' && booked.details).toMatchObject({
      amount: { amountMinor: 4200 },
      originalTrace: p1.details.trace,
    });
    expect(await rig.session.bookTotal(p1.details.receiptNumber!, eur(100))).toMatchObject({
      kind: 'declined',
      resultCode: 0xb8,
    });

    const p2 = await rig.session.preAuthorize(eur(3000));
    const r2 = p2.kind === 'approved' ? p2.details.receiptNumber! : '';
    expect(await rig.session.bookTotal(r2, eur(3001))).toMatchObject({ kind: 'declined', resultCode: 0xb7 });
    const partial = await rig.session.partialReversal(r2, eur(1000));
    expect(partial.kind === 'approved' && partial.details.amount).toEqual({
      amountMinor: 2000,
      currency: 'EUR',
    });

    const p3 = await rig.session.preAuthorize(eur(700));
    const released = await rig.session.preAuthReversal(
      p3.kind === 'approved' ? p3.details.receiptNumber! : '',
    );
    expect(released.kind).toBe('approved');
    expect(rig.vt.journal.filter((e) => e.kind === 'pre-authorisation').map((e) => e.status)).toEqual([
      'closed',
      'closed',
      'closed',
    ]);
  });

  test('reversal by receipt number, a second reversal is refused, refund, repeat receipt, end-of-day totals', async () => {
    rig = await createRig(transport);
    await rig.session.register();
    const a = await rig.session.authorize(eur(1000));
    const b = await rig.session.authorize(eur(2500));
    expect([a.kind, b.kind]).toEqual(['approved', 'approved']);
    const receiptA = a.kind === 'approved' ? a.details.receiptNumber! : '';
    const rev = await rig.session.reverse(receiptA);
    expect(rev.kind === 'approved' && rev.details).toMatchObject({
      amount: { amountMinor: 1000 },
      originalTrace: '000001',
    });
    expect(await rig.session.reverse(receiptA)).toMatchObject({
      kind: 'declined',
      resultCode: 0xb4,
      reason: { en: 'already reversed' },
    });
    expect(await rig.session.reverse('0999')).toMatchObject({ kind: 'declined', resultCode: 0xb5 });
    const refund = await rig.session.refund(eur(300));
    expect(refund.kind === 'approved' && refund.receipts[0]?.lines).toContain('Gutschrift');

    const repeat = await rig.session.repeatReceipt();
    expect(repeat.ok && repeat.value.details?.receiptNumber).toBe(
      refund.kind === 'approved' ? refund.details.receiptNumber : 'x',
    );
    expect(repeat.ok && repeat.value.receipts.length).toBe(2);

    const eod = await rig.session.endOfDay();
    expect(eod.kind).toBe('approved');
    if (eod.kind !== 'approved') return;
    expect(eod.details.amount).toEqual({ amountMinor: 2500, currency: 'EUR' });
    expect(eod.details.totals?.schemes.find((s) => s.scheme === 'VISA')).toEqual({
      scheme: 'VISA',
      count: 1,
      totalMinor: 2500,
    });
    expect(eod.receipts[0]).toMatchObject({ type: 'administration' });
    const eod2 = await rig.session.endOfDay();
    expect(eod2.kind === 'approved' && eod2.details.amount?.amountMinor).toBe(0);
  });

  test('diagnosis prints through the ECR; log-off; a wrong password is refused with a hint', async () => {
    rig = await createRig(transport, { session: { password: '123456' } });
    const diag = await rig.session.diagnosis(2);
    expect(diag.ok && diag.value.receipts[0]?.lines).toContain('Diagnose erfolgreich');
    const eod = await rig.session.endOfDay();
    expect(eod).toMatchObject({
      kind: 'failed',
      resultCode: 0x83,
      error: { code: 'TERMINAL_COMMAND_REFUSED' },
    });
    expect(eod.kind === 'failed' && eod.error.message).toContain('password');
    expect(await rig.session.logOff()).toEqual({ ok: true, value: undefined });
  });
});
