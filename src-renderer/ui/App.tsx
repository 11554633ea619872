import { useEffect, useLayoutEffect, useRef } from 'react';
import type { HostLink } from '../host-link';
import { keypadKeyFromKeyboard } from '../input/amount-entry';
import { feedKey, flushIdle, initialScannerState, type ScannerState } from '../input/scanner';
import type { Screen } from '../state/shape';
import type { AppStore } from '../state/store';
import { managerArea } from './areas';
import { HostLinkContext } from './manager/context';
import { BalanceScreen } from './BalanceScreen';
import { CheckoutDialog } from './CardPayment';
import { StoreContext, useApp, useAppStore, useT } from './context';
import { DepositScreen } from './DepositScreen';
import { ReceiptScreen } from './ReceiptScreen';
import { SaleScreen } from './SaleScreen';
import { SignIn } from './SignIn';
import { StatusBar } from './StatusBar';

export function App({ store, host }: { store: AppStore; host: HostLink }) {
  useEffect(() => {
    const s = store.getState();
    void s.probeHost();
    void s.loadStaff();
    // The saved language and scanner timing (the manager's settings) apply from the start.
    void s.loadSettings();
    return host.subscribe(s.applyHostEvent, s.setEventStream);
  }, [store, host]);
  return (
    <StoreContext.Provider value={store}>
      <HostLinkContext.Provider value={host}>
        <Screens />
      </HostLinkContext.Provider>
    </StoreContext.Provider>
  );
}

/**
 * The screen model: one screen at a time, chosen in the navigation bar (keyboard: Tab to it, Enter). The
 * checkout dialog sits above every screen while a payment runs.
 */
function Screens() {
  const signedIn = useApp((s) => s.staff !== null);
  const screen = useApp((s) => s.screen);
  const language = useApp((s) => s.language);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  const Manager = managerArea;
  return (
    <div className="app">
      <StatusBar />
      {signedIn ? (
        <>
          <Navigation />
          {screen === 'sale' ? <SaleKeys /> : null}
          {screen === 'sale' ? <SaleScreen /> : null}
          {screen === 'deposit' ? <DepositScreen /> : null}
          {screen === 'balance' ? <BalanceScreen /> : null}
          {screen === 'receipt' ? <ReceiptScreen /> : null}
          {/* ── MANAGER SLOT (ui/areas.ts) ── */}
          {screen === 'manager' && Manager ? <Manager /> : null}
          <CheckoutDialog />
        </>
      ) : (
        <SignIn />
      )}
    </div>
  );
}

function Navigation() {
  const t = useT();
  const screen = useApp((s) => s.screen);
  const go = useApp((s) => s.go);
  const isManager = useApp((s) => s.staff?.role === 'MANAGER');
  const signOut = useApp((s) => s.signOut);
  const tabs: { screen: Screen; label: string }[] = [
    { screen: 'sale', label: t.t('nav.sale') },
    { screen: 'deposit', label: t.t('nav.deposit') },
    { screen: 'balance', label: t.t('nav.balance') },
    { screen: 'receipt', label: t.t('nav.receipt') },
    ...(isManager && managerArea ? [{ screen: 'manager' as const, label: t.t('nav.manager') }] : []),
  ];
  return (
    <nav className="nav no-print" aria-label={t.t('nav.label')}>
      {tabs.map((tab) => (
        <button
          key={tab.screen}
          type="button"
          aria-current={screen === tab.screen ? 'page' : undefined}
          className={screen === tab.screen ? 'current' : undefined}
          onClick={() => go(tab.screen)}
        >
          {tab.label}
        </button>
      ))}
      <span className="nav-gap" />
      <button type="button" onClick={() => void signOut()}>
        {t.t('switchUser')}
      </button>
    </nav>
  );
}

/**
 * The sale screen's keyboard: a scanner's burst becomes an item, a person's keys drive the keypad entry,
 * Enter adds the typed amount. Keys aimed at a text field or a button (Space/Enter activate it) are left alone.
 */
function SaleKeys() {
  const store = useAppStore();
  const scanner = useRef<ScannerState>(initialScannerState);
  // A layout effect attaches the listener in the same task that puts the sale screen in the DOM, so a scan
  // that starts the moment the screen appears loses no keys (a passive effect can run a frame later).
  useLayoutEffect(() => {
    let idle: ReturnType<typeof setTimeout> | undefined;
    const typeText = (text: string) => {
      for (const ch of text) {
        // Line keys while building the basket: `*` sets the quantity, `%` a percentage discount.
        if ((ch === '*' || ch === '%') && store.getState().tender === 'none') {
          store.getState().applyEntryToLine(ch === '*' ? 'quantity' : 'percent');
          continue;
        }
        const key = keypadKeyFromKeyboard(ch);
        if (key) store.getState().keypad(key);
      }
    };
    const onKey = (e: KeyboardEvent) => {
      const s = store.getState();
      if (s.checkout) return;
      const target = e.target as HTMLElement | null;
      if (e.key === 'F3') {
        // F3 goes to the item search from anywhere on the sale screen (keyboard-only operation).
        e.preventDefault();
        document.getElementById('item-search')?.focus();
        return;
      }
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === 'Backspace' || e.key === 'Escape' || e.key === 'Delete') {
        s.keypad(keypadKeyFromKeyboard(e.key)!);
        return;
      }
      // Enter and Space activate a focused button (keyboard-only operation) unless a scan is under way.
      const activatesButton = e.key === 'Enter' || e.key === ' ';
      if (activatesButton && target?.tagName === 'BUTTON' && scanner.current.buffer === '') return;
      const { state, verdict } = feedKey(scanner.current, { key: e.key, at: e.timeStamp }, s.scannerTiming);
      scanner.current = state;
      if (verdict.kind === 'ignored') return;
      e.preventDefault();
      if (verdict.kind === 'scan') void s.addScannedCode(verdict.code);
      else if (verdict.kind === 'typed') {
        typeText(verdict.text);
        if (verdict.enter && s.tender === 'none') store.getState().addEntryAsItem();
      }
      clearTimeout(idle);
      idle = setTimeout(() => {
        const r = flushIdle(scanner.current, performance.now(), store.getState().scannerTiming);
        scanner.current = r.state;
        typeText(r.text);
      }, s.scannerTiming.maxGapMs + 10);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      clearTimeout(idle);
    };
  }, [store]);
  return null;
}
