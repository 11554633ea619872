import type { StateCreator } from 'zustand';
import { addItem, emptyBasket, removeLine, setQuantity } from '../basket';
import { emptyEntry, entryAmount, entryFromMoney, pressKey } from '../input/amount-entry';
import type { HostCallResult } from '../host-link';
import { COMMANDS, type CatalogItem } from './commands';
import type { AppDeps, Store, SaleSlice } from './shape';

export type { TenderMode, Notice, SaleSlice } from './shape';

export const saleSlice =
  (deps: AppDeps): StateCreator<Store, [], [], SaleSlice> =>
  (set, get) => {
    // Lookups run concurrently (a fast scanner does not wait for the host), but their answers are applied in
    // scan order, so the basket reads in the order the cashier scanned, whatever order the host answers in.
    let scansApplied: Promise<void> = Promise.resolve();
    return {
      currency: deps.currency,
      basket: emptyBasket(deps.currency),
      entry: emptyEntry(deps.currency, deps.locale),
      tender: 'none',
      notice: null,
      keypad(key) {
        set((s) => ({ entry: pressKey(s.entry, key), notice: null }));
      },
      addEntryAsItem() {
        const r = entryAmount(get().entry);
        if (!r.ok || r.value.amountMinor <= 0) return;
        set((s) => ({
          basket: addItem(s.basket, { code: null, name: '', unitPrice: r.value }),
          entry: emptyEntry(s.currency, s.entry.locale),
          notice: null,
        }));
      },
      addScannedCode(code) {
        const answer = deps.host.call<CatalogItem>(COMMANDS.lookupItem, { code });
        scansApplied = scansApplied
          .then(async () => applyLookup(code, await answer))
          // A bug in one scan must not stop every later scan from reaching the basket.
          .catch((e: unknown) => console.error('scan could not be applied', e));
        return scansApplied;
      },
      setLineQuantity(key, quantity) {
        set((s) => ({ basket: setQuantity(s.basket, key, quantity) }));
      },
      removeBasketLine(key) {
        set((s) => ({ basket: removeLine(s.basket, key) }));
      },
      chooseTender(mode) {
        set((s) => ({ tender: mode, entry: emptyEntry(s.currency, s.entry.locale) }));
      },
      setCashGiven(amount) {
        // The same text the keypad would have produced, so the cashier can correct it key by key.
        set((s) => ({ entry: entryFromMoney(amount, s.entry.locale) }));
      },
      async completeCashSale(given) {
        const { basket } = get();
        const r = await deps.host.call(COMMANDS.payCash, { lines: basket.lines, given });
        if (r.ok) get().clearSale();
        else if (r.unreachable)
          set({ host: 'unreachable', hostDetail: r.detail, notice: { key: 'status.hostUnreachable' } });
        else set({ notice: { key: 'error.title', text: r.error.message } });
      },
      clearSale() {
        set((s) => ({
          basket: emptyBasket(s.currency),
          entry: emptyEntry(s.currency, s.entry.locale),
          tender: 'none',
          notice: null,
        }));
      },
    };

    function applyLookup(code: string, r: HostCallResult<CatalogItem>): void {
      if (r.ok) set((s) => ({ basket: addItem(s.basket, r.value), notice: null }));
      else if (r.unreachable) {
        set({ host: 'unreachable', hostDetail: r.detail, notice: { key: 'status.hostUnreachable' } });
      } else set({ notice: { key: 'sale.unknownCode', params: { code }, text: r.error.message } });
    }
  };
