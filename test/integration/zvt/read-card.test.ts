/**
 * Read Card (06 C0) against the virtual terminal over the in-process line, real TCP and a real socat pty:
 * the card's token, masked PAN and type come back; no card, an abort by the counter and by the customer are
 * clear outcomes; nothing is booked and no full PAN crosses the session.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { money, TEST_CARDS, testCardById } from '../../../src-shared';
import type { StatusEvent, WaitingEvent } from '../../../src-main/zvt/session/types';
import { createRig, type Rig, type Transport } from './rig';

const TRANSPORTS: Transport[] = ['in-process-serial', 'tcp', 'pty'];

describe.each(TRANSPORTS)('Read Card over %s', (transport) => {
  let rig: Rig;
  afterEach(async () => rig?.close());

  test('the presented card comes back with its token (the one its payments carry), masked PAN, type and expiry', async () => {
    rig = await createRig(transport, { vt: { cardId: 'mastercard-pin' } });
    expect((await rig.session.register()).ok).toBe(true);
    const statuses: StatusEvent[] = [];
    const waits: WaitingEvent[] = [];
    rig.session.onStatus((s) => statuses.push(s));
    rig.session.onWaiting((w) => waits.push(w));

    const out = await rig.session.readCard({ timeoutSeconds: 20 });
    const card = testCardById('mastercard-pin')!;
    expect(out).toEqual({
      kind: 'read',
      card: {
        token: card.token,
        maskedPan: '555555******4444',
        last4: '4444',
        cardType: { id: 6, name: 'Mastercard' },
        cardName: 'Mastercard',
        expiry: '12/30',
        technology: 'chip',
        emvAid: 'A0000000041010',
      },
    });
    expect(JSON.stringify(out)).not.toContain(card.pan);
    expect(statuses.map((s) => s.text.en)).toEqual(['Insert card']);
    expect(waits[0]).toMatchObject({ command: 'Read Card', phase: 'acceptance' });
    expect(waits.some((w) => w.phase === 'customer' && w.upToMs >= 20_000)).toBe(true);
    expect(rig.vt.journal).toHaveLength(0); // nothing booked

    // The same token comes with a payment by that card: the counter can find the card's orders by it.
    const paid = await rig.session.authorize(money(1250, 'EUR'));
    expect(paid.kind === 'approved' && paid.details.cardToken).toBe(card.token);
  });

  test('nobody presents a card: "no card" after the timeout, with a message that says what to do', async () => {
    rig = await createRig(transport);
    expect((await rig.session.register()).ok).toBe(true);
    rig.vt.presentNoCard();
    const started = Date.now();
    const out = await rig.session.readCard({ timeoutSeconds: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(out).toMatchObject({
      kind: 'no-card',
      resultCode: 0x6c,
      error: { code: 'TERMINAL_NO_CARD', message: expect.stringContaining('within 1 s') },
    });
    // The session is free again and the terminal reads the next card.
    rig.vt.presentCard('visa-approve');
    const next = await rig.session.readCard({ timeoutSeconds: 5 });
    expect(next.kind === 'read' && next.card.last4).toBe('4675');
  });

  test('the counter aborts a read while the terminal waits for the card', async () => {
    rig = await createRig(transport, { vt: { timers: { customerDelayMs: 5_000 } } });
    expect((await rig.session.register()).ok).toBe(true);
    const reading = rig.session.readCard({ timeoutSeconds: 30 });
    await new Promise((r) => setTimeout(r, 300));
    expect((await rig.session.abort()).ok).toBe(true);
    expect(await reading).toMatchObject({ kind: 'aborted', by: 'ecr', resultCode: 0x6c });
  });

  test('the customer presses abort: aborted by the customer, not "no card"', async () => {
    rig = await createRig(transport, { vt: { cardId: 'visa-abort' } });
    expect((await rig.session.register()).ok).toBe(true);
    expect(await rig.session.readCard({ timeoutSeconds: 30 })).toMatchObject({
      kind: 'aborted',
      by: 'customer-or-terminal',
      error: { code: 'TERMINAL_ABORTED' },
    });
  });
});

describe('Read Card input', () => {
  let rig: Rig;
  afterEach(async () => rig?.close());

  test('a timeout the command cannot carry is refused before anything is sent', async () => {
    rig = await createRig('in-process-serial');
    for (const timeoutSeconds of [0, 256, 1.5]) {
      expect(await rig.session.readCard({ timeoutSeconds })).toMatchObject({
        kind: 'failed',
        error: { code: 'TERMINAL_READ_CARD_TIMEOUT_INVALID' },
      });
    }
  });

  test('every test card reads with its own token, and none leaves its full number', async () => {
    rig = await createRig('in-process-serial');
    expect((await rig.session.register()).ok).toBe(true);
    for (const card of TEST_CARDS.filter((c) => c.inStore !== 'CUSTOMER_ABORT')) {
      rig.vt.presentCard(card.id);
      const out = await rig.session.readCard({ timeoutSeconds: 5 });
      expect(out.kind === 'read' && out.card.token, card.id).toBe(card.token);
      expect(JSON.stringify(out)).not.toContain(card.pan);
    }
  });
});
