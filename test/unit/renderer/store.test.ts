/* eslint-disable @typescript-eslint/no-explicit-any -- scripted answers are read as JSON */
/**
 * The store's decisions that protect money, with a host that answers from a script (the link is the store's
 * only dependency; the real host is exercised in test/e2e/sale.spec.ts). Commands and answers are the host
 * contract's (src-shared/host-api.ts).
 */
import { describe, expect, it } from 'vitest';
import type { HostCallResult, HostLink } from '../../../src-renderer/host-link';
import { createAppStore } from '../../../src-renderer/state/store';
import { money } from '../../../src-shared/money';

type Answer = HostCallResult<unknown>;

const TEA = { sku: 'TEA', barcode: '1', name: 'Tea', priceMinor: 250, taxRateBp: 700 };
/** A basket the host kept (cart.get): three teas. */
const KEPT_BASKET = {
  lines: [
    { lineId: 'TEA', sku: 'TEA', name: 'Tea', unitMinor: 250, quantity: 3, taxRateBp: 700, discountMinor: 0 },
  ],
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const sale = (tender: object, over: object = {}) => ({
  orderId: '0190f7a0-0000-7000-8000-000000000001',
  totalMinor: 250,
  taxes: [],
  tenders: [{ paymentId: '1234000000000000001', amountMinor: 250, changeMinor: 0, error: null, ...tender }],
  balanceDueMinor: 0,
  ...over,
});

function scriptedLink(answers: Record<string, Answer | ((input: any) => Answer)>) {
  const calls: { command: string; input: any }[] = [];
  const link: HostLink = {
    mode: 'bridge',
    call<T>(command: string, input: unknown = {}) {
      calls.push({ command, input });
      const a = answers[command] ?? (command === 'cart.put' ? { ok: true, value: {} } : undefined);
      const answer = a ?? { ok: false, unreachable: true, detail: 'no host' };
      return Promise.resolve((typeof answer === 'function' ? answer(input) : answer) as HostCallResult<T>);
    },
    subscribe: () => () => {},
  };
  return { link, calls };
}

async function signedIn(link: HostLink) {
  const store = createAppStore(link);
  store.setState({ staff: { staffId: 'cara', name: 'Cara', role: 'CASHIER' } });
  return store;
}

describe('app store', () => {
  it('a card request that breaks off on the way is an unknown outcome, not a failure, and cannot be closed', async () => {
    const { link } = scriptedLink({ 'catalogue.find': { ok: true, value: TEA } });
    const store = await signedIn(link);
    await store.getState().addScannedCode('1');
    await store.getState().startCardPayment(money(250, 'EUR'));
    expect(store.getState().checkout?.phase).toBe('unknown');
    store.getState().closeCheckout();
    expect(store.getState().checkout?.phase).toBe('unknown');
  });

  it('a second card start while one runs sends nothing to the host', async () => {
    let finish: (a: Answer) => void = () => {};
    const calls: string[] = [];
    const link: HostLink = {
      mode: 'bridge',
      call<T>(command: string) {
        calls.push(command);
        if (command === 'sale.checkout')
          return new Promise<HostCallResult<T>>((r) => (finish = r as (a: Answer) => void));
        return Promise.resolve({
          ok: true,
          value: command === 'catalogue.find' ? TEA : {},
        } as HostCallResult<T>);
      },
      subscribe: () => () => {},
    };
    const store = await signedIn(link);
    await store.getState().addScannedCode('1');
    const first = store.getState().startCardPayment(money(250, 'EUR'));
    await new Promise((r) => setTimeout(r, 0));
    await store.getState().startCardPayment(money(250, 'EUR'));
    expect(calls.filter((c) => c === 'sale.checkout')).toHaveLength(1);
    expect(store.getState().checkout?.phase).toBe('starting');
    finish({ ok: true, value: sale({ method: 'CARD', ok: true, state: 'APPROVED' }) });
    await first;
    expect(store.getState().checkout?.phase).toBe('approved');
  });

  it('an approved payment clears the sale; a declined one keeps the basket for another tender', async () => {
    let approve = false;
    const { link, calls } = scriptedLink({
      'catalogue.find': { ok: true, value: TEA },
      'sale.checkout': () => ({
        ok: true,
        value: approve
          ? sale({ method: 'CARD', ok: true, state: 'APPROVED' })
          : sale(
              {
                method: 'CARD',
                ok: false,
                state: 'DECLINED',
                paymentId: null,
                amountMinor: 0,
                error: { code: 'TERMINAL_DECLINED', message: 'declined' },
              },
              { balanceDueMinor: 250 },
            ),
      }),
    });
    const store = await signedIn(link);
    await store.getState().addScannedCode('1');
    await store.getState().startCardPayment(money(250, 'EUR'));
    expect(store.getState().checkout?.phase).toBe('declined');
    expect(store.getState().basket.lines).toHaveLength(1);
    store.getState().closeCheckout();
    approve = true;
    await store.getState().startCardPayment(money(250, 'EUR'));
    expect(store.getState().checkout?.phase).toBe('approved');
    expect(store.getState().basket.lines).toHaveLength(0);
    // Each new checkout has its own id; the entries are the basket's, by SKU.
    const ids = calls.filter((c) => c.command === 'sale.checkout').map((c) => c.input.checkoutId);
    expect(new Set(ids).size).toBe(2);
    expect(calls.find((c) => c.command === 'sale.checkout')?.input.entries).toEqual([
      { sku: 'TEA', quantity: 1 },
    ]);
  });

  it('signing out keeps the basket (switch user); a wrong PIN keeps the host’s refusal', async () => {
    let pinOk = false;
    const { link } = scriptedLink({
      'staff.list': { ok: true, value: [{ staffId: 's', name: 'Sam', role: 'CASHIER', locked: false }] },
      'staff.verify': () =>
        pinOk
          ? { ok: true, value: { staffId: 's', name: 'Sam', role: 'CASHIER' } }
          : { ok: false, error: { code: 'STAFF_PIN_INVALID', message: 'Wrong PIN' } },
      'cart.get': { ok: true, value: { lines: [], updatedAt: null } },
      'catalogue.find': { ok: true, value: TEA },
    });
    const store = createAppStore(link);
    await store.getState().loadStaff();
    expect(store.getState().pickedStaffId).toBe('s');
    await store.getState().signIn('0000');
    expect(store.getState().staff).toBeNull();
    expect(store.getState().signInError?.code).toBe('STAFF_PIN_INVALID');
    pinOk = true;
    await store.getState().signIn('1234');
    await store.getState().addScannedCode('1');
    await store.getState().signOut();
    expect(store.getState().staff).toBeNull();
    expect(store.getState().basket.lines).toHaveLength(1);
  });

  it('a cash sale clears the basket only when the host has recorded it; the retry sends the same checkout id', async () => {
    let recorded = false;
    const { link, calls } = scriptedLink({
      'catalogue.find': { ok: true, value: TEA },
      'attempt.recover': { ok: true, value: { state: 'NONE', attemptId: null } },
      'sale.checkout': () =>
        recorded
          ? { ok: true, value: sale({ method: 'CASH', ok: true, state: 'PAID', changeMinor: 250 }) }
          : { ok: false, unreachable: true, detail: 'connection refused' },
    });
    const store = await signedIn(link);
    await store.getState().addScannedCode('1');
    await store.getState().completeCashSale(money(500, 'EUR'));
    expect(store.getState().basket.lines).toHaveLength(1);
    expect(store.getState().checkout?.phase).toBe('unknown');
    recorded = true;
    await store.getState().recoverCardPayment();
    expect(store.getState().checkout?.phase).toBe('approved');
    expect(store.getState().basket.lines).toHaveLength(0);
    const sent = calls.filter((c) => c.command === 'sale.checkout').map((c) => c.input);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
  });

  it('mirrors every basket change to the host and restores the host’s basket after a reload', async () => {
    const { link, calls } = scriptedLink({
      'catalogue.find': { ok: true, value: TEA },
      'cart.get': { ok: true, value: KEPT_BASKET },
    });
    const store = await signedIn(link);
    await store.getState().addScannedCode('1');
    await store.getState().basketSaved();
    expect(calls.filter((c) => c.command === 'cart.put').at(-1)?.input.lines).toEqual([
      {
        lineId: 'TEA',
        sku: 'TEA',
        name: 'Tea',
        unitMinor: 250,
        quantity: 1,
        taxRateBp: 700,
        discountMinor: 0,
      },
    ]);
    const reloaded = await signedIn(link);
    await reloaded.getState().restoreBasket();
    expect(reloaded.getState().basket.lines.map((l) => [l.name, l.quantity])).toEqual([['Tea', 3]]);
  });
});

describe('the basket the host kept, read after a sign-in', () => {
  it('shows it is being read, and does not come back over a basket the cashier emptied meanwhile', async () => {
    let answerCartGet: () => void = () => {};
    const { link: scripted } = scriptedLink({ 'catalogue.find': { ok: true, value: TEA } });
    const link: HostLink = {
      ...scripted,
      call<T>(command: string, input: unknown = {}) {
        if (command !== 'cart.get') return scripted.call<T>(command, input);
        return new Promise<HostCallResult<T>>((resolve) => {
          answerCartGet = () => resolve({ ok: true, value: KEPT_BASKET } as HostCallResult<T>);
        });
      },
    };
    const store = await signedIn(link);
    const restoring = store.getState().restoreBasket();
    await Promise.resolve();
    expect(store.getState().basketRestoring).toBe(true);
    // The cashier scans an item and takes it off again before the host's answer arrives.
    await store.getState().addScannedCode('1');
    const line = store.getState().basket.lines[0]!;
    store.getState().removeBasketLine(line.key);
    answerCartGet();
    await restoring;
    expect(store.getState().basketRestoring).toBe(false);
    expect(store.getState().basket.lines).toEqual([]);

    // Untouched meanwhile, the host's basket is the basket.
    const again = await signedIn(link);
    const second = again.getState().restoreBasket();
    await Promise.resolve();
    answerCartGet();
    await second;
    expect(again.getState().basket.lines.map((l) => [l.name, l.quantity])).toEqual([['Tea', 3]]);
  });
});

describe('a card payment found running after a reload', () => {
  it('is shown from status.currentAttempt and settled by attemptFinished; in doubt, by attempt.recover', async () => {
    const running = {
      attemptId: 'a1',
      amountMinor: 1250,
      what: 'Card payment 12.50 EUR',
      lastText: 'Enter PIN',
    };
    const status = { online: true, queued: 0, currentAttempt: running as typeof running | null };
    const { link, calls } = scriptedLink({
      status: () => ({ ok: true, value: status }),
      'attempt.recover': { ok: true, value: { state: 'APPROVED', attemptId: 'a1' } },
      'receipt.get': { ok: true, value: { orderId: 'o1' } },
    });
    const store = await signedIn(link);
    await store.getState().probeHost();
    expect(store.getState().checkout).toMatchObject({
      phase: 'inProgress',
      amount: money(1250, 'EUR'),
      messages: ['Enter PIN'],
      request: null,
    });
    store.getState().applyHostEvent({
      event: 'attemptFinished',
      payload: { attemptId: 'a1', orderId: 'o1', state: 'PARKED' },
    });
    expect(store.getState().checkout?.phase).toBe('unknown');
    store.getState().closeCheckout();
    expect(store.getState().checkout?.phase).toBe('unknown');
    await store.getState().recoverCardPayment();
    expect(store.getState().checkout?.phase).toBe('approved');
    // Nothing was sent again: a resumed checkout has no request to replay.
    expect(calls.some((c) => c.command === 'sale.checkout')).toBe(false);
    store.getState().closeCheckout();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.at(-1)).toMatchObject({ command: 'receipt.get', input: { orderId: 'o1' } });
  });
});

describe('scans answered out of order', () => {
  it('the basket keeps the order the items were scanned in, whatever order the host answers in', async () => {
    const resolvers: Record<string, (a: HostCallResult<unknown>) => void> = {};
    const link: HostLink = {
      mode: 'bridge',
      call<T>(command: string, input: unknown) {
        if (command !== 'catalogue.find')
          return Promise.resolve({ ok: true, value: {} } as HostCallResult<T>);
        const { code } = input as { code: string };
        return new Promise<HostCallResult<T>>((resolve) => {
          resolvers[code] = resolve as (a: HostCallResult<unknown>) => void;
        });
      },
      subscribe: () => () => {},
    };
    const store = createAppStore(link);
    const first = store.getState().addScannedCode('A');
    const second = store.getState().addScannedCode('B');
    resolvers.B!({
      ok: true,
      value: { sku: 'B', barcode: null, name: 'Bread', priceMinor: 300, taxRateBp: 700 },
    });
    resolvers.A!({
      ok: true,
      value: { sku: 'A', barcode: null, name: 'Apples', priceMinor: 200, taxRateBp: 700 },
    });
    await Promise.all([first, second]);
    expect(store.getState().basket.lines.map((l) => l.name)).toEqual(['Apples', 'Bread']);
  });

  it('item search: an older answer arriving after a newer one is dropped; a pick adds the item and clears the search', async () => {
    const COFFEE = { sku: 'COFFEE', barcode: '2', name: 'Coffee', priceMinor: 899, taxRateBp: 700 };
    const pending: Record<string, (a: Answer) => void> = {};
    const link: HostLink = {
      mode: 'bridge',
      call<T>(command: string, input: any = {}) {
        if (command === 'catalogue.search')
          return new Promise<HostCallResult<T>>((r) => {
            pending[input.query] = r as (a: Answer) => void;
          });
        return Promise.resolve({ ok: true, value: {} } as HostCallResult<T>);
      },
      subscribe: () => () => {},
    };
    const store = await signedIn(link);
    const first = store.getState().searchItems('t');
    const second = store.getState().searchItems('te');
    pending.te!({ ok: true, value: [TEA] });
    await second;
    pending.t!({ ok: true, value: [TEA, COFFEE] });
    await first;
    expect(store.getState().search).toMatchObject({ query: 'te', answered: 'te', results: [TEA] });
    store.getState().addSearchedItem(TEA);
    store.getState().addSearchedItem(TEA);
    expect(store.getState().basket.lines).toMatchObject([{ code: 'TEA', name: 'Tea', quantity: 2 }]);
    expect(store.getState().search).toEqual({ query: '', results: [], answered: null, error: null });
  });

  it('item search: a host that cannot be reached is said in the search, and a blank query asks nothing', async () => {
    const { link, calls } = scriptedLink({});
    const store = await signedIn(link);
    await store.getState().searchItems('   ');
    expect(calls.filter((c) => c.command === 'catalogue.search')).toEqual([]);
    await store.getState().searchItems('tea');
    expect(store.getState().search).toMatchObject({ results: [], answered: 'tea', error: 'no host' });
  });

  it('quantity and discounts by keypad act on the selected line (or the last), are mirrored, and bad numbers are refused in words', async () => {
    const COFFEE = { sku: 'COFFEE', barcode: '2', name: 'Coffee', priceMinor: 899, taxRateBp: 700 };
    const { link, calls } = scriptedLink({
      'catalogue.find': (i: { code: string }) => ({ ok: true, value: i.code === '1' ? TEA : COFFEE }),
    });
    const store = await signedIn(link);
    const s = () => store.getState();
    s().applyEntryToLine('quantity');
    expect(s().notice?.key).toBe('line.none');
    await s().addScannedCode('1');
    await s().addScannedCode('2');
    s().applyEntryToLine('quantity');
    expect(s().notice?.key).toBe('line.keyFirst');
    s().keypad('3');
    s().applyEntryToLine('quantity'); // the last line: coffee
    expect(s().basket.lines.map((l) => l.quantity)).toEqual([1, 3]);
    expect(s().entry.text).toBe('');
    s().selectLine('TEA');
    s().keypad('3');
    s().keypad('decimal');
    s().keypad('5');
    s().applyEntryToLine('quantity');
    expect(s().notice?.key).toBe('line.quantity');
    s().keypad('clear');
    s().keypad('9');
    s().applyEntryToLine('discount'); // €9 off a €2.50 tea
    expect(s().notice).toEqual({ key: 'line.discountTooBig', params: { amount: '€2.50' } });
    s().keypad('clear');
    s().keypad('1');
    s().keypad('0');
    s().applyEntryToLine('percent');
    expect(s().basket.lines[0]).toMatchObject({ code: 'TEA', discountMinor: 25, discountBp: 1000 });
    expect(s().notice).toBeNull();
    await s().basketSaved();
    const put = calls.filter((c) => c.command === 'cart.put').at(-1)!.input;
    expect(put.lines.map((l: any) => [l.sku, l.quantity, l.discountMinor])).toEqual([
      ['TEA', 1, 25],
      ['COFFEE', 3, 0],
    ]);
  });

  it('the saved language and scanner timing apply when the app starts; ?lang= pins the language until a manager saves one', async () => {
    const saved = {
      ok: true,
      value: { language: 'de', scanner: { maxGapMs: 300, minLength: 6 } },
    } as const;
    const { link } = scriptedLink({ 'settings.get': saved });
    const store = createAppStore(link);
    expect(store.getState().scannerTiming).toEqual({ maxGapMs: 100, minLength: 4 });
    store.getState().keypad('1');
    await store.getState().loadSettings();
    expect(store.getState().language).toBe('de');
    expect(store.getState().entry.locale).toBe('de-DE');
    expect(store.getState().scannerTiming).toEqual({ maxGapMs: 300, minLength: 6 });

    const pinned = createAppStore(link, { language: 'en', languagePinned: true });
    await pinned.getState().loadSettings();
    expect(pinned.getState().language).toBe('en');
    expect(pinned.getState().scannerTiming).toEqual({ maxGapMs: 300, minLength: 6 });
    pinned
      .getState()
      .applySettings({ language: 'de', scanner: { maxGapMs: 50, minLength: 8 } }, { saved: true });
    expect(pinned.getState()).toMatchObject({
      language: 'de',
      scannerTiming: { maxGapMs: 50, minLength: 8 },
    });

    // A host that cannot be reached (or a timing out of range) leaves the defaults.
    const away = createAppStore(scriptedLink({}).link);
    await away.getState().loadSettings();
    expect(away.getState()).toMatchObject({ language: 'en', scannerTiming: { maxGapMs: 100, minLength: 4 } });
    away.getState().applySettings({ language: 'en', scanner: { maxGapMs: 5, minLength: 4 } });
    expect(away.getState().scannerTiming.maxGapMs).toBe(100);
  });
});
