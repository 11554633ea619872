import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { translator, type Translator } from '../i18n/i18n';
import type { AppStore, Store } from '../state/store';

export const StoreContext = createContext<AppStore | null>(null);

/** Narrow selectors only: a component re-renders when the slice of state it reads changes, not on every set. */
export function useApp<T>(selector: (s: Store) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useApp outside <StoreContext.Provider>');
  return useStore(store, selector);
}

export function useAppStore(): AppStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore outside <StoreContext.Provider>');
  return store;
}

const translators = new Map<string, Translator>();

export function useT(): Translator {
  const language = useApp((s) => s.language);
  let t = translators.get(language);
  if (!t) {
    t = translator(language);
    translators.set(language, t);
  }
  return t;
}
