/**
 * The terminal's last known numbers survive a host restart through the injected TerminalStateStore
 * (issue 9): without them, recovery after a restart cannot tell "nothing happened" from "the terminal
 * booked a payment this counter never saw".
 */
import { afterEach, describe, expect, test } from 'vitest';
import { money } from '../../../src-shared';
import {
  inMemoryTerminalStateStore,
  type TerminalNumbers,
  type TerminalStateStore,
} from '../../../src-main/zvt/session/state-store';
import { createRig, type Rig } from './rig';

/** A store that round-trips through JSON, as a database row would. */
function jsonStore(): TerminalStateStore & { saved: string[] } {
  const saved: string[] = [];
  return {
    saved,
    load: () => (saved.length ? (JSON.parse(saved.at(-1)!) as TerminalNumbers) : null),
    save: (n) => {
      saved.push(JSON.stringify(n));
    },
  };
}

describe('terminal state store', () => {
  let rig: Rig;
  afterEach(async () => rig?.close());

  test('an approval saves the receipt, trace and turnover; a restarted session starts from them', async () => {
    const store = jsonStore();
    rig = await createRig('in-process-serial', { session: { stateStore: store } });
    expect((await rig.session.register()).ok).toBe(true);
    expect((await rig.session.authorize(money(990, 'EUR'))).kind).toBe('approved');
    expect(JSON.parse(store.saved.at(-1)!)).toMatchObject({
      lastReceipt: '0001',
      lastTrace: '000001',
      lastTurnover: '000001',
      terminalId: '52500001',
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    await rig.session.close();

    const restarted = rig.newSession({ stateStore: store });
    expect(restarted.lastKnownReceipt).toBe('0001');
    expect(restarted.terminalNumbers?.lastTrace).toBe('000001');
    await restarted.close();
  });

  test('after a restart, recovery flags a payment the terminal booked but this counter never recorded', async () => {
    const store = jsonStore();
    rig = await createRig('in-process-serial', { session: { stateStore: store } });
    expect((await rig.session.register()).ok).toBe(true);
    expect((await rig.session.authorize(money(500, 'EUR'))).kind).toBe('approved');
    await rig.session.close();
    // The host sends a payment and dies before it records anything: the terminal books receipt 0002.
    const dying = rig.newSession({ stateStore: inMemoryTerminalStateStore() });
    expect((await dying.authorize(money(700, 'EUR'))).kind).toBe('approved');
    await dying.close();

    const restarted = rig.newSession({ stateStore: store });
    const report = await restarted.recover();
    expect(report.verdict).toBe('undetermined');
    expect(report.basis).toContain('receipt 0002, which this counter has not seen');
    await restarted.close();

    // The same restart without the store would wrongly conclude that nothing was booked.
    const forgetful = rig.newSession({ stateStore: inMemoryTerminalStateStore() });
    expect((await forgetful.recover()).verdict).toBe('did-not-go-through');
    await forgetful.close();
  });

  test('a store that fails to save never changes the terminal answer; the host is told', async () => {
    const failures: unknown[] = [];
    rig = await createRig('in-process-serial', {
      session: {
        stateStore: {
          load: () => null,
          save: () => Promise.reject(new Error('disk full')),
        },
        onStateStoreError: (e) => failures.push(e),
      },
    });
    expect((await rig.session.register()).ok).toBe(true);
    expect((await rig.session.authorize(money(100, 'EUR'))).kind).toBe('approved');
    expect(String(failures[0])).toContain('disk full');
    expect(rig.session.lastKnownReceipt).toBe('0001');
  });

  test('numbers kept for another terminal are not used for a swapped one', async () => {
    const store = jsonStore();
    rig = await createRig('in-process-serial', { session: { stateStore: store } });
    expect((await rig.session.register()).ok).toBe(true);
    expect((await rig.session.authorize(money(300, 'EUR'))).kind).toBe('approved');
    await rig.close();

    rig = await createRig('in-process-serial', {
      vt: { terminalId: '52500099' },
      session: { stateStore: store },
    });
    expect(rig.session.lastKnownReceipt).toBe('0001'); // before it knows which terminal it talks to
    expect((await rig.session.register()).ok).toBe(true);
    expect(rig.session.lastKnownReceipt).toBeUndefined();
    expect((await rig.session.authorize(money(300, 'EUR'))).kind).toBe('approved');
    expect(JSON.parse(store.saved.at(-1)!)).toMatchObject({ terminalId: '52500099', lastReceipt: '0001' });
  });
});
