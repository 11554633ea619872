import { useEffect, useRef, useState, type FormEvent } from 'react';
import { money } from '../../src-shared/money';
import { useApp, useT } from './context';
import { MoneyField, parseAmount } from './MoneyField';

/**
 * A deposit for goods not in stock: the customer (name, contact), the order's total, the deposit as an
 * amount or a percentage, what stays due, and how the deposit is paid. By card, the card is kept on file so
 * the balance can be charged online later on the same order (deposit.take).
 */
export function DepositScreen() {
  const t = useT();
  const currency = useApp((s) => s.currency);
  const locale = useApp((s) => s.entry.locale);
  const takeDeposit = useApp((s) => s.takeDeposit);
  const [name, setName] = useState('');
  const [contact, setContact] = useState('');
  const [totalText, setTotalText] = useState('');
  const [mode, setMode] = useState<'amount' | 'percent'>('amount');
  const [depositText, setDepositText] = useState('');
  const [percentText, setPercentText] = useState('');
  const [tender, setTender] = useState<'CARD' | 'CASH'>('CARD');
  const [cashText, setCashText] = useState('');
  const [tried, setTried] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const total = parseAmount(totalText, currency, locale);
  const percent = Number(percentText.replace(',', '.'));
  const depositMinor =
    mode === 'amount'
      ? (parseAmount(depositText, currency, locale)?.amountMinor ?? 0)
      : total && percent > 0 && percent <= 100
        ? Math.round((total.amountMinor * Math.round(percent * 100)) / 10_000)
        : 0;
  const cash = parseAmount(cashText, currency, locale);
  const valid =
    name.trim() !== '' &&
    total !== null &&
    depositMinor > 0 &&
    depositMinor <= total.amountMinor &&
    (tender === 'CARD' || (cash !== null && cash.amountMinor >= depositMinor));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!valid || !total) return;
    void takeDeposit({
      customerName: name,
      contact,
      total,
      deposit: mode === 'amount' ? { amount: money(depositMinor, currency) } : { percent },
      tender: tender === 'CARD' ? 'CARD' : { cashGiven: cash! },
    });
  };

  return (
    <main className="screen" aria-labelledby="deposit-title">
      <h1 id="deposit-title">{t.t('deposit.title')}</h1>
      <p className="hint">{t.t('deposit.hint')}</p>
      <form className="card form-grid" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="deposit-name">{t.t('deposit.customerName')}</label>
          <input
            id="deposit-name"
            ref={first}
            autoComplete="off"
            value={name}
            maxLength={200}
            aria-invalid={tried && name.trim() === '' ? true : undefined}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="deposit-contact">{t.t('deposit.contact')}</label>
          <input
            id="deposit-contact"
            autoComplete="off"
            value={contact}
            maxLength={200}
            onChange={(e) => setContact(e.target.value)}
          />
        </div>
        <MoneyField
          id="deposit-total"
          label={t.t('deposit.total')}
          value={totalText}
          onChange={setTotalText}
          invalid={tried && total === null}
        />
        <fieldset className="choice">
          <legend>{t.t('deposit.kind')}</legend>
          <label>
            <input
              type="radio"
              name="deposit-kind"
              checked={mode === 'amount'}
              onChange={() => setMode('amount')}
            />
            {t.t('deposit.byAmount')}
          </label>
          <label>
            <input
              type="radio"
              name="deposit-kind"
              checked={mode === 'percent'}
              onChange={() => setMode('percent')}
            />
            {t.t('deposit.byPercent')}
          </label>
        </fieldset>
        {mode === 'amount' ? (
          <MoneyField
            id="deposit-amount"
            label={t.t('deposit.amount')}
            value={depositText}
            onChange={setDepositText}
            invalid={tried && depositMinor <= 0}
          />
        ) : (
          <div className="field">
            <label htmlFor="deposit-percent">{t.t('deposit.percent')}</label>
            <input
              id="deposit-percent"
              inputMode="decimal"
              autoComplete="off"
              value={percentText}
              onChange={(e) => setPercentText(e.target.value.replace(/[^\d.,]/g, ''))}
            />
          </div>
        )}
        <fieldset className="choice">
          <legend>{t.t('deposit.tender')}</legend>
          <label>
            <input
              type="radio"
              name="deposit-tender"
              checked={tender === 'CARD'}
              onChange={() => setTender('CARD')}
            />
            {t.t('deposit.byCard')}
          </label>
          <label>
            <input
              type="radio"
              name="deposit-tender"
              checked={tender === 'CASH'}
              onChange={() => setTender('CASH')}
            />
            {t.t('deposit.byCash')}
          </label>
        </fieldset>
        {tender === 'CASH' ? (
          <MoneyField
            id="deposit-cash"
            label={t.t('deposit.cashGiven')}
            value={cashText}
            onChange={setCashText}
            invalid={tried && (cash === null || cash.amountMinor < depositMinor)}
          />
        ) : null}
        <p className="summary" aria-live="polite" data-testid="deposit-summary">
          {total && depositMinor > 0 && depositMinor <= total.amountMinor
            ? t.t('deposit.summary', {
                deposit: t.amount(money(depositMinor, currency)),
                balance: t.amount(money(total.amountMinor - depositMinor, currency)),
              })
            : '\u00a0'}
        </p>
        <p className="message-slot-small" role="status">
          {tried && !valid ? <span className="tone-bad-text">{t.t('deposit.invalid')}</span> : null}
        </p>
        <div className="actions">
          <button type="submit" className="primary">
            {t.t('deposit.take')}
          </button>
        </div>
      </form>
    </main>
  );
}
