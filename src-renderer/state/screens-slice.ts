import type { StateCreator } from 'zustand';
import { call } from './commands';
import type { AppDeps, ScreensSlice, Store } from './shape';

export type { Screen, ScreensSlice } from './shape';

export const screensSlice =
  (deps: AppDeps): StateCreator<Store, [], [], ScreensSlice> =>
  (set, get) => ({
    screen: 'sale',
    receipt: null,
    receiptError: null,
    balanceOrder: null,
    balanceError: null,
    go(screen) {
      if (get().checkout) return; // a payment's dialog stays until it has ended
      set((s) => ({
        screen,
        tender: 'none',
        notice: null,
        entry: { ...s.entry, text: '' },
        ...(screen === 'balance' ? {} : { balanceOrder: null, balanceError: null }),
      }));
    },
    async showReceipt(orderId, reprint = false) {
      const r = await call(deps.host, 'receipt.get', {
        orderId,
        reprint,
        operatorId: get().staff?.staffId,
      });
      if (r.ok) set({ screen: 'receipt', receipt: r.value as Store['receipt'], receiptError: null });
      else set({ screen: 'receipt', receiptError: r.unreachable ? r.detail : r.error.message });
    },
    async findBalanceOrder(orderId) {
      const r = await call(deps.host, 'order.refundable', { orderId: orderId.trim() });
      if (r.ok) set({ balanceOrder: r.value as Store['balanceOrder'], balanceError: null });
      else set({ balanceOrder: null, balanceError: r.unreachable ? r.detail : r.error.message });
    },
  });
