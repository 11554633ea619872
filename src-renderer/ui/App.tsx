import { useEffect, useLayoutEffect, useRef } from 'react';
import type { HostLink } from '../host-link';
import { keypadKeyFromKeyboard } from '../input/amount-entry';
import { feedKey, flushIdle, initialScannerState, type ScannerState } from '../input/scanner';
import type { AppStore } from '../state/store';
import { CardPayment } from './CardPayment';
import { ManagerEntry } from './manager/ManagerEntry';
import { StoreContext, useApp, useAppStore } from './context';
import { SaleScreen } from './SaleScreen';
import { SignIn } from './SignIn';
import { StatusBar } from './StatusBar';

export function App({ store, host }: { store: AppStore; host: HostLink }) {
  useEffect(() => {
    const s = store.getState();
    void s.probeHost();
    return host.subscribe(s.applyHostEvent, s.setEventStream);
  }, [store, host]);
  return (
    <StoreContext.Provider value={store}>
      <Screens host={host} />
    </StoreContext.Provider>
  );
}

function Screens({ host }: { host: HostLink }) {
  const signedIn = useApp((s) => s.staff !== null);
  const language = useApp((s) => s.language);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  return (
    <div className="app">
      <StatusBar />
      {signedIn ? (
        <ManagerEntry host={host}>
          <SaleKeys />
          <SaleScreen />
          <CardPayment />
        </ManagerEntry>
      ) : (
        <SignIn />
      )}
    </div>
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
        const key = keypadKeyFromKeyboard(ch);
        if (key) store.getState().keypad(key);
      }
    };
    const onKey = (e: KeyboardEvent) => {
      const s = store.getState();
      if (s.card) return;
      const target = e.target as HTMLElement | null;
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
