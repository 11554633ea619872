/**
 * One Zustand store made of slices (style.md "Renderer"): view state only; the host holds the truth. The
 * store is created per app with its dependencies (no module singleton), so a test can give it its own host.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CurrencyCode } from '../../src-shared/currencies';
import type { HostLink } from '../host-link';
import { LANGUAGES, type Language } from '../i18n/i18n';
import { DEFAULT_SCANNER_TIMING, type ScannerTiming } from '../input/scanner';
import { connectionSlice, type ConnectionSlice } from './connection-slice';
import { paymentSlice, type PaymentSlice } from './payment-slice';
import { saleSlice, type SaleSlice } from './sale-slice';
import { sessionSlice, type SessionSlice } from './session-slice';

export interface SettingsSlice {
  language: Language;
  scannerTiming: ScannerTiming;
  setLanguage(language: Language): void;
}

export type Store = ConnectionSlice & SessionSlice & SaleSlice & PaymentSlice & SettingsSlice;

export interface AppDeps {
  host: HostLink;
  currency: CurrencyCode;
  locale: string;
}

export type AppStore = StoreApi<Store>;

export function createAppStore(
  host: HostLink,
  options: { language?: Language; currency?: CurrencyCode } = {},
): AppStore {
  const language = options.language ?? 'en';
  const deps: AppDeps = { host, currency: options.currency ?? 'EUR', locale: LANGUAGES[language] };
  return createStore<Store>()((...a) => ({
    ...connectionSlice(deps)(...a),
    ...sessionSlice(deps)(...a),
    ...saleSlice(deps)(...a),
    ...paymentSlice(deps)(...a),
    language,
    scannerTiming: DEFAULT_SCANNER_TIMING,
    setLanguage(next) {
      const [set] = a;
      // The keypad entry follows the language's decimal separator; what was typed is kept as an amount.
      set((s) => ({ language: next, entry: { ...s.entry, text: '', locale: LANGUAGES[next] } }));
    },
  }));
}
