import { createContext, useContext } from 'react';
import type { CurrencyCode } from '../../../src-shared/currencies';
import type { HostLink } from '../../host-link';
import { useStore } from 'zustand';
import type { ManagerStore, ManagerStoreApi } from '../../state/manager-slice';
import { en, type MessageKey } from '../../i18n/en';
import { useT } from '../context';

export const ManagerContext = createContext<ManagerStoreApi | null>(null);

/** Narrow selectors into the manager's store. */
export function useManager<T>(selector: (s: ManagerStore) => T): T {
  const store = useContext(ManagerContext);
  if (!store) throw new Error('useManager outside <ManagerContext.Provider>');
  return useStore(store, selector);
}

export function useManagerStore(): ManagerStoreApi {
  const store = useContext(ManagerContext);
  if (!store) throw new Error('useManagerStore outside <ManagerContext.Provider>');
  return store;
}

/** The translator, with money in the counter's currency from minor units, and keys given as strings. */
export function useMt() {
  const t = useT();
  const currency = useContext(ManagerCurrency);
  return {
    ...t,
    /** A key built from data (a status, a kind): one the catalog lacks shows its last part, never breaks. */
    tk: (key: string, params?: Record<string, string | number>) =>
      Object.hasOwn(en, key) ? t.t(key as MessageKey, params) : (key.split('.').at(-1) ?? key),
    minor: (amountMinor: number) => t.amount({ amountMinor, currency }),
    /** A count's sentence: the `.one` variant for exactly one when the catalog has it. */
    tp(key: string, count: number, params: Record<string, string | number> = {}) {
      const one = `${key}.one`;
      const k = count === 1 && Object.hasOwn(en, one) ? one : key;
      return Object.hasOwn(en, k) ? t.t(k as MessageKey, { ...params, count }) : k;
    },
  };
}

export const ManagerCurrency = createContext<CurrencyCode>('EUR');

/** The signed-in staff id when they are a manager (the manager fields start with it), else ''. */
export const ManagerSelf = createContext<string>('');

/** The host link, when the app provides it (ManagerRoot falls back to its own link to the same host). */
export const HostLinkContext = createContext<HostLink | null>(null);
