/**
 * One Zustand store made of slices (style.md "Renderer"): view state only; the host holds the truth. The
 * store is created per app with its dependencies (no module singleton), so a test can give it its own host.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CurrencyCode } from '../../src-shared/currencies';
import type { HostLink } from '../host-link';
import { LANGUAGES, type Language } from '../i18n/i18n';
import { DEFAULT_SCANNER_TIMING, validateScannerTiming } from '../input/scanner';
import { call } from './commands';
import type { AppDeps, Store } from './shape';
import { connectionSlice } from './connection-slice';
import { paymentSlice } from './payment-slice';
import { saleSlice } from './sale-slice';
import { screensSlice } from './screens-slice';
import { sessionSlice } from './session-slice';

export type { AppDeps, SettingsSlice, Store } from './shape';

export type AppStore = StoreApi<Store>;

export function createAppStore(
  host: HostLink,
  options: { language?: Language; currency?: CurrencyCode; languagePinned?: boolean } = {},
): AppStore {
  const language = options.language ?? 'en';
  const deps: AppDeps = { host, currency: options.currency ?? 'EUR', locale: LANGUAGES[language] };
  return createStore<Store>()((...a) => ({
    ...connectionSlice(deps)(...a),
    ...sessionSlice(deps)(...a),
    ...saleSlice(deps)(...a),
    ...paymentSlice(deps)(...a),
    ...screensSlice(deps)(...a),
    // ── Manager stream: its slice (state/manager-slice.ts) is composed here. ──
    language,
    languagePinned: options.languagePinned ?? false,
    scannerTiming: DEFAULT_SCANNER_TIMING,
    setLanguage(next) {
      const [set] = a;
      // The keypad entry follows the language's decimal separator; what was typed is kept as an amount.
      set((s) => ({ language: next, entry: { ...s.entry, text: '', locale: LANGUAGES[next] } }));
    },
    async loadSettings() {
      // Read at start and whenever the event stream opens again (the host may have restarted with new ones).
      const r = await call(host, 'settings.get', {});
      if (r.ok) a[1]().applySettings(r.value);
    },
    applySettings(settings, o = {}) {
      const [set, get] = a;
      const timing = { maxGapMs: settings.scanner.maxGapMs, minLength: settings.scanner.minLength };
      const now = get().scannerTiming;
      if (
        validateScannerTiming(timing) === null &&
        (now.maxGapMs !== timing.maxGapMs || now.minLength !== timing.minLength)
      )
        set({ scannerTiming: timing });
      if ((o.saved || !get().languagePinned) && settings.language !== get().language)
        get().setLanguage(settings.language);
    },
  }));
}
