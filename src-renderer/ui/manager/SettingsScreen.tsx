/**
 * Counter settings: the card terminal's serial port (picked from the ports found, with "Test terminal"), the
 * offline limits, the scanner's timing, the language and the receipt header. Saving needs a manager's PIN;
 * the terminal port applies when Counter restarts (the screen says so). The core is set by enrolment
 * (EnrolmentSection), which the core must confirm and which applies at once.
 */
import { useEffect, useState } from 'react';
import { toDecimalString } from '../../../src-shared/money';
import { useApp } from '../context';
import { parseAmount, type ManagerCredentials, type Settings } from '../../state/manager-slice';
import { LANGUAGES } from '../../i18n/i18n';
import { ManagerCurrency, useManager, useMt, ManagerSelf } from './context';
import { Busy, Field, ManagerPin } from './parts';
import { EnrolmentSection } from './EnrolmentSection';
import { useContext } from 'react';

export function SettingsScreen() {
  const settings = useManager((s) => s.settings);
  return settings ? <SettingsForm settings={settings} /> : null;
}

function SettingsForm({ settings }: { settings: Settings }) {
  const t = useMt();
  const currency = useContext(ManagerCurrency);
  const language = useApp((s) => s.language);
  const applySettings = useApp((s) => s.applySettings);
  const ports = useManager((s) => s.ports);
  const busy = useManager((s) => s.busy);
  const save = useManager((s) => s.saveSettings);
  const testTerminal = useManager((s) => s.testTerminal);
  const test = useManager((s) => s.terminalTest);
  const self = useContext(ManagerSelf);
  const money = (minor: number) => toDecimalString({ amountMinor: minor, currency });
  const [form, setForm] = useState(() => ({
    serialPath: settings.terminal.serialPath ?? '',
    perPayment: money(settings.offline.perPaymentMaxMinor),
    total: money(settings.offline.totalMaxMinor),
    maxCount: String(settings.offline.maxCount),
    maxAgeHours: String(settings.offline.maxAgeHours),
    collectAbove: money(settings.offline.collectAtCounterAboveMinor),
    maxGapMs: String(settings.scanner.maxGapMs),
    minLength: String(settings.scanner.minLength),
    language: settings.language,
    header: settings.receiptHeader.join('\n'),
  }));
  const [manager, setManager] = useState<ManagerCredentials>({
    managerId: self,
    managerPin: '',
  });
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setProblem(null), [form]);
  const set =
    (k: keyof typeof form) =>
    (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
      setForm({ ...form, [k]: e.target.value });
  const knownPorts = ports ?? [];
  const portListed = knownPorts.some((p) => p.path === form.serialPath);

  const submit = async () => {
    // Amounts are typed as the manager reads them (en: 25.00, de: 25,00 is accepted too via the locale).
    const locale = LANGUAGES[language];
    const per = parseAmount(form.perPayment, currency, locale);
    const total = parseAmount(form.total, currency, locale);
    // The collection threshold may be 0 (every refused payment is a collection task), or left empty for 0.
    const collect = /^0*([.,]0*)?$/.test(form.collectAbove.trim())
      ? ({ ok: true, minor: 0 } as const)
      : parseAmount(form.collectAbove, currency, locale);
    const bad = [per, total, collect].find((a) => !a.ok);
    if (bad && !bad.ok) {
      setProblem(t.tk('settings.badAmount', { reason: bad.reason }));
      return;
    }
    if (!per.ok || !total.ok || !collect.ok) return;
    const ints = [form.maxCount, form.maxAgeHours, form.maxGapMs, form.minLength].map((v) => Number(v));
    if (ints.some((n) => !Number.isInteger(n))) {
      setProblem(t.tk('settings.badNumber'));
      return;
    }
    const ok = await save(
      {
        terminal: { serialPath: form.serialPath.trim() || null },
        offline: {
          perPaymentMaxMinor: per.minor,
          totalMaxMinor: total.minor,
          maxCount: ints[0]!,
          maxAgeHours: ints[1]!,
          collectAtCounterAboveMinor: collect.minor,
        },
        scanner: { maxGapMs: ints[2]!, minLength: ints[3]! },
        language: form.language,
        receiptHeader: form.header
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== ''),
      },
      manager,
    );
    setManager((m) => ({ ...m, managerPin: '' }));
    // The language and the scanner timing take effect at once (and at every start: the app reads them).
    if (ok)
      applySettings(
        { language: form.language, scanner: { maxGapMs: ints[2]!, minLength: ints[3]! } },
        { saved: true },
      );
  };

  return (
    <section className="manager-screen" aria-label={t.tk('manager.title.settings')}>
      <form
        className="form-grid settings"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset>
          <legend>{t.tk('settings.terminal')}</legend>
          <Field label={t.tk('settings.port')} hint={t.tk('settings.restartHint')}>
            {(id, hint) => (
              <select
                id={id}
                aria-describedby={hint}
                value={portListed ? form.serialPath : ''}
                onChange={set('serialPath')}
              >
                <option value="">{t.tk('settings.portOther')}</option>
                {knownPorts.map((p) => (
                  <option key={p.path} value={p.path}>
                    {p.path}
                    {p.manufacturer ? ` (${p.manufacturer})` : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t.tk('settings.portPath')}>
            {(id) => (
              <input
                id={id}
                value={form.serialPath}
                onChange={set('serialPath')}
                placeholder="/dev/ttyUSB0"
              />
            )}
          </Field>
          <div className="actions">
            <button type="button" onClick={() => void testTerminal()} disabled={busy !== null}>
              {t.tk('settings.testTerminal')}
            </button>
            <Busy when={busy === 'terminal.test'} />
          </div>
          <p
            role="status"
            className={test ? (test.ok ? 'tone-good' : 'tone-bad') : ''}
            data-testid="terminal-test"
          >
            {test ? test.message : ''}
          </p>
        </fieldset>
        <fieldset>
          <legend>{t.tk('settings.offline')}</legend>
          <Field label={t.tk('settings.perPayment')}>
            {(id) => (
              <input id={id} inputMode="decimal" value={form.perPayment} onChange={set('perPayment')} />
            )}
          </Field>
          <Field label={t.tk('settings.total')}>
            {(id) => <input id={id} inputMode="decimal" value={form.total} onChange={set('total')} />}
          </Field>
          <Field label={t.tk('settings.maxCount')}>
            {(id) => (
              <input
                id={id}
                type="number"
                min={0}
                max={1000}
                value={form.maxCount}
                onChange={set('maxCount')}
              />
            )}
          </Field>
          <Field label={t.tk('settings.maxAge')}>
            {(id) => (
              <input
                id={id}
                type="number"
                min={1}
                max={720}
                value={form.maxAgeHours}
                onChange={set('maxAgeHours')}
              />
            )}
          </Field>
          <Field label={t.tk('settings.collectAbove')} hint={t.tk('settings.collectAboveHint')}>
            {(id, describedBy) => (
              <input
                id={id}
                inputMode="decimal"
                aria-describedby={describedBy}
                value={form.collectAbove}
                onChange={set('collectAbove')}
              />
            )}
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t.tk('settings.scanner')}</legend>
          <Field label={t.tk('settings.maxGap')}>
            {(id) => (
              <input
                id={id}
                type="number"
                min={10}
                max={1000}
                value={form.maxGapMs}
                onChange={set('maxGapMs')}
              />
            )}
          </Field>
          <Field label={t.tk('settings.minLength')}>
            {(id) => (
              <input
                id={id}
                type="number"
                min={3}
                max={64}
                value={form.minLength}
                onChange={set('minLength')}
              />
            )}
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t.tk('settings.display')}</legend>
          <Field label={t.tk('settings.language')}>
            {(id) => (
              <select id={id} value={form.language} onChange={set('language')}>
                <option value="en" lang="en">
                  English
                </option>
                <option value="de" lang="de">
                  Deutsch
                </option>
              </select>
            )}
          </Field>
          <Field label={t.tk('settings.header')} hint={t.tk('settings.headerHint')}>
            {(id, hint) => (
              <textarea
                id={id}
                aria-describedby={hint}
                rows={4}
                value={form.header}
                onChange={set('header')}
              />
            )}
          </Field>
        </fieldset>
        <ManagerPin value={manager} onChange={setManager} />
        {problem ? (
          <p role="alert" className="tone-bad">
            {problem}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="primary" disabled={busy !== null}>
            {t.tk('settings.save')}
          </button>
          <Busy when={busy === 'settings.put'} />
        </div>
      </form>
      {/* The core: changed only through an enrolment the core confirms (its own form). */}
      <EnrolmentSection settings={settings} />
    </section>
  );
}
