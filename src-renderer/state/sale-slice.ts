import type { StateCreator } from 'zustand';
import {
  addItem,
  editLine,
  emptyBasket,
  fromCartLines,
  removeLine,
  setBasketDiscount,
  setQuantity,
  subtotalMinor,
  toCartLines,
} from '../basket';
import { emptyEntry, entryAmount, entryFromMoney, pressKey } from '../input/amount-entry';
import type { HostCallResult } from '../host-link';
import { formatMoney, money } from '../../src-shared/money';
import { call, type CatalogueItem } from './commands';
import type { AppDeps, Store, SaleSlice } from './shape';

export type { TenderMode, Notice, SaleSlice } from './shape';

export const saleSlice =
  (deps: AppDeps): StateCreator<Store, [], [], SaleSlice> =>
  (set, get) => {
    // Lookups run concurrently (a fast scanner does not wait for the host), but their answers are applied in
    // scan order, so the basket reads in the order the cashier scanned, whatever order the host answers in.
    let scansApplied: Promise<void> = Promise.resolve();
    // The basket is mirrored to the host after every change (cart.put), one request at a time, always the
    // latest basket: a crash, a reload or a restart of the host then finds it there (cart.get).
    let mirroring: Promise<void> | null = null;
    let dirty = false;
    const mirror = () => {
      dirty = true;
      mirroring ??= (async () => {
        try {
          while (dirty) {
            dirty = false;
            const b = get().basket;
            const r = await call(deps.host, 'cart.put', {
              lines: toCartLines(b),
              basketDiscount: b.discount ?? null,
            });
            if (!r.ok && !r.unreachable) set({ notice: { key: 'error.title', text: r.error.message } });
          }
        } finally {
          mirroring = null;
        }
      })();
    };
    // Counts the cashier's changes to the basket, so a restore can tell whether one came while it read.
    let basketChanges = 0;
    const changeBasket = (f: (s: Store) => Partial<Store>) => {
      basketChanges += 1;
      set(f);
      mirror();
    };
    let searchSeq = 0;
    const noSearch = { query: '', results: [], answered: null, error: null };
    return {
      currency: deps.currency,
      search: noSearch,
      basket: emptyBasket(deps.currency),
      basketRestoring: false,
      entry: emptyEntry(deps.currency, deps.locale),
      tender: 'none',
      notice: null,
      keypad(key) {
        set((s) => ({ entry: pressKey(s.entry, key), notice: null }));
      },
      async searchItems(query) {
        const seq = ++searchSeq;
        if (query.trim() === '') {
          set({ search: noSearch });
          return;
        }
        set((s) => ({ search: { ...s.search, query } }));
        const r = await call(deps.host, 'catalogue.search', { query, limit: 8 });
        if (seq !== searchSeq) return; // the cashier typed on; a newer answer is coming
        if (r.ok) set({ search: { query, results: [...r.value], answered: query, error: null } });
        else
          set({
            search: {
              query,
              results: [],
              answered: query,
              error: r.unreachable ? r.detail : r.error.message,
            },
          });
      },
      addSearchedItem(item) {
        searchSeq += 1;
        changeBasket((s) => ({
          basket: addItem(s.basket, {
            code: item.sku,
            name: item.name,
            unitPrice: money(item.priceMinor, s.currency),
            taxRateBp: item.taxRateBp,
          }),
          search: noSearch,
          notice: null,
        }));
      },
      selectedLine: null,
      selectLine(key) {
        set((s) => ({ selectedLine: s.selectedLine === key ? null : key }));
      },
      applyEntryToBasket(kind) {
        const s = get();
        const typed = entryAmount(s.entry);
        if (s.basket.lines.length === 0) return set({ notice: { key: 'basket.none' } });
        if (s.entry.text === '' || !typed.ok) return set({ notice: { key: 'basket.keyFirst' } });
        const r = setBasketDiscount(s.basket, kind, typed.value);
        if (!r.ok) {
          const e = r.error;
          return set({
            notice:
              e.reason === 'tooBig'
                ? {
                    key: 'basket.tooBig',
                    params: {
                      amount: formatMoney(money(subtotalMinor(s.basket), s.currency), s.entry.locale),
                    },
                  }
                : { key: e.reason === 'percent' ? 'line.percent' : 'basket.none' },
          });
        }
        changeBasket((st) => ({
          basket: r.basket,
          entry: emptyEntry(st.currency, st.entry.locale),
          notice: null,
        }));
      },
      applyEntryToLine(kind) {
        const s = get();
        const key = s.basket.lines.some((l) => l.key === s.selectedLine)
          ? s.selectedLine
          : (s.basket.lines.at(-1)?.key ?? null);
        const typed = entryAmount(s.entry);
        if (key === null) return set({ notice: { key: 'line.none' } });
        if (s.entry.text === '' || !typed.ok) return set({ notice: { key: 'line.keyFirst' } });
        const r = editLine(s.basket, key, { kind, value: typed.value });
        if (!r.ok) {
          const e = r.error;
          return set({
            notice:
              e.reason === 'discountTooBig'
                ? {
                    key: 'line.discountTooBig',
                    params: { amount: formatMoney(money(e.lineMinor, s.currency), s.entry.locale) },
                  }
                : {
                    key:
                      e.reason === 'percent'
                        ? 'line.percent'
                        : e.reason === 'quantity'
                          ? 'line.quantity'
                          : 'line.none',
                  },
          });
        }
        changeBasket((st) => ({
          basket: r.basket,
          entry: emptyEntry(st.currency, st.entry.locale),
          notice: null,
        }));
      },
      addEntryAsItem() {
        const r = entryAmount(get().entry);
        if (!r.ok || r.value.amountMinor <= 0) return;
        changeBasket((s) => ({
          basket: addItem(s.basket, { code: null, name: '', unitPrice: r.value }),
          entry: emptyEntry(s.currency, s.entry.locale),
          notice: null,
        }));
      },
      addScannedCode(code) {
        const answer = call(deps.host, 'catalogue.find', { code });
        scansApplied = scansApplied
          .then(async () => applyLookup(code, await answer))
          // A bug in one scan must not stop every later scan from reaching the basket.
          .catch((e: unknown) => console.error('scan could not be applied', e));
        return scansApplied;
      },
      setLineQuantity(key, quantity) {
        changeBasket((s) => ({ basket: setQuantity(s.basket, key, quantity) }));
      },
      removeBasketLine(key) {
        changeBasket((s) => ({ basket: removeLine(s.basket, key) }));
      },
      chooseTender(mode) {
        set((s) => ({ tender: mode, entry: emptyEntry(s.currency, s.entry.locale) }));
      },
      setCashGiven(amount) {
        // The same text the keypad would have produced, so the cashier can correct it key by key.
        set((s) => ({ entry: entryFromMoney(amount, s.entry.locale) }));
      },
      async basketSaved() {
        // A checkout waits for this, so a late cart.put cannot put back a basket the checkout just sold.
        while (mirroring) await mirroring;
      },
      async restoreBasket() {
        set({ basketRestoring: true });
        try {
          // The host first has every change made here, so what it answers is not older than this basket.
          await get().basketSaved();
          const before = basketChanges;
          const r = await call(deps.host, 'cart.get', {});
          // A change made here meanwhile wins (it is being mirrored), an emptied basket too; otherwise the
          // host's is the basket.
          if (r.ok && basketChanges === before && get().basket.lines.length === 0 && r.value.lines.length > 0)
            set((s) => ({
              basket: fromCartLines(s.currency, r.value.lines, r.value.basketDiscount ?? null),
            }));
        } finally {
          set({ basketRestoring: false });
        }
      },
      clearSale() {
        // The host cleared its copy in the same transaction that recorded the payment.
        set((s) => ({
          basket: emptyBasket(s.currency),
          entry: emptyEntry(s.currency, s.entry.locale),
          tender: 'none',
          notice: null,
        }));
      },
    };

    function applyLookup(code: string, r: HostCallResult<CatalogueItem | null>): void {
      if (r.ok && r.value) {
        const item = r.value;
        changeBasket((s) => ({
          basket: addItem(s.basket, {
            code: item.sku,
            name: item.name,
            unitPrice: money(item.priceMinor, s.currency),
            taxRateBp: item.taxRateBp,
          }),
          notice: null,
        }));
      } else if (r.ok) set({ notice: { key: 'sale.unknownCode', params: { code } } });
      else if (r.unreachable) {
        set({ host: 'unreachable', hostDetail: r.detail, notice: { key: 'status.hostUnreachable' } });
      } else set({ notice: { key: 'sale.unknownCode', params: { code }, text: r.error.message } });
    }
  };
