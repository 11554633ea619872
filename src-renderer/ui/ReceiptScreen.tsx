import { useEffect, useRef, useState, type FormEvent } from 'react';
import { money } from '../../src-shared/money';
import { useApp, useT } from './context';

/**
 * An order's receipt as the host composes it (receipt.get): the store's header, items with discounts, tax per
 * rate, tenders, the balance still due and the ids to pay it, and the card terminal's own receipt text. Print
 * uses the browser's print dialog with a print stylesheet (only the receipt is printed); a reprint asks the
 * host again, which marks it a copy and audits it.
 */
export function ReceiptScreen() {
  const t = useT();
  const receipt = useApp((s) => s.receipt);
  const error = useApp((s) => s.receiptError);
  const show = useApp((s) => s.showReceipt);
  const go = useApp((s) => s.go);
  const currency = useApp((s) => s.currency);
  const [lookup, setLookup] = useState('');
  // Which terminal copy a print is for (null: the whole receipt); kept until the next print.
  const [printOnly, setPrintOnly] = useState<'customer' | 'merchant' | null>(null);
  const [printing, setPrinting] = useState(false);
  useEffect(() => {
    if (!printing) return;
    setPrinting(false);
    window.print(); // after the render that set data-print
  }, [printing]);
  const print = (only: 'customer' | 'merchant' | null) => {
    setPrintOnly(only);
    setPrinting(true);
  };
  const copies = new Set(receipt?.terminalReceipts.map((c) => c.type) ?? []);
  const printButton = useRef<HTMLButtonElement>(null);
  const lookupField = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (receipt) printButton.current?.focus();
    else lookupField.current?.focus();
  }, [receipt]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (lookup.trim()) void show(lookup.trim());
  };
  // The counter sells in one currency (status.currency); the receipt's is the same.
  const m = (minor: number) => t.amount(money(minor, currency));
  const percent = (bp: number) => `${(bp / 100).toLocaleString(t.locale)} %`;

  return (
    <main className="screen receipt-screen" aria-labelledby="receipt-title">
      <h1 id="receipt-title" className="no-print">
        {t.t('receipt.title')}
      </h1>
      <div className="actions no-print">
        <button
          ref={printButton}
          type="button"
          className="primary"
          disabled={!receipt}
          onClick={() => print(null)}
        >
          {t.t('receipt.print')}
        </button>
        {copies.has('customer') && copies.has('merchant') ? (
          <>
            <button type="button" onClick={() => print('customer')}>
              {t.t('receipt.printCustomer')}
            </button>
            <button type="button" onClick={() => print('merchant')}>
              {t.t('receipt.printMerchant')}
            </button>
          </>
        ) : null}
        <button type="button" disabled={!receipt} onClick={() => receipt && void show(receipt.orderId, true)}>
          {t.t('receipt.reprint')}
        </button>
        <button type="button" onClick={() => go('sale')}>
          {t.t('receipt.newSale')}
        </button>
      </div>
      <form className="inline-form no-print" onSubmit={submit}>
        <div className="field">
          <label htmlFor="receipt-lookup">{t.t('receipt.lookup')}</label>
          <input
            id="receipt-lookup"
            ref={lookupField}
            autoComplete="off"
            spellCheck={false}
            value={lookup}
            onChange={(e) => setLookup(e.target.value)}
          />
        </div>
        <button type="submit" disabled={lookup.trim() === ''}>
          {t.t('receipt.show')}
        </button>
      </form>
      {error ? (
        <p role="alert" className="tone-bad-text no-print">
          {error}
        </p>
      ) : null}
      {!receipt ? (
        <p className="no-print">{t.t('receipt.none')}</p>
      ) : (
        <article
          className="receipt"
          aria-label={t.t('receipt.title')}
          data-testid="receipt"
          data-print={printOnly ?? 'all'}
        >
          {receipt.copy ? <p className="receipt-copy">{t.t('receipt.copy')}</p> : null}
          {receipt.header.map((line, i) => (
            <p key={i} className="receipt-header">
              {line}
            </p>
          ))}
          <p>{t.dateTime(receipt.createdAt)}</p>
          <p data-testid="receipt-order">{t.t('receipt.order', { id: receipt.orderId })}</p>
          {receipt.customer ? <p>{t.t('receipt.customer', { name: receipt.customer })}</p> : null}
          {receipt.lines.length > 0 ? (
            <table className="receipt-lines">
              <tbody>
                {receipt.lines.map((l, i) => (
                  <tr key={i}>
                    <td>
                      {l.quantity} × {l.name}
                      {l.discountMinor > 0 ? (
                        <>
                          <br />
                          {t.t('receipt.discount')} −{m(l.discountMinor)}
                        </>
                      ) : null}
                    </td>
                    <td className="num">{m(l.amountMinor - l.discountMinor)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          {receipt.basketDiscountMinor > 0 ? (
            <p className="receipt-small" data-testid="receipt-basket-discount">
              {t.t('receipt.basketDiscount')} −{m(receipt.basketDiscountMinor)}
            </p>
          ) : null}
          <p className="receipt-total">
            <span>{t.t('receipt.total')}</span>
            <strong data-testid="receipt-total">{m(receipt.totalMinor)}</strong>
          </p>
          {receipt.taxes.map((x) => (
            <p key={x.rateBp} className="receipt-small">
              {t.t('receipt.tax', { rate: percent(x.rateBp), tax: m(x.taxMinor), gross: m(x.grossMinor) })}
            </p>
          ))}
          <ul className="receipt-tenders">
            {receipt.tenders.map((p, i) => (
              <li key={i}>
                <span>
                  {p.method === 'CARD'
                    ? p.cardLast4
                      ? t.t('receipt.card', { last4: p.cardLast4 })
                      : t.t('receipt.cardNoLast4')
                    : t.t('receipt.cash')}{' '}
                  {m(p.amountMinor)}
                  {p.changeMinor > 0 ? ` · ${t.t('receipt.change')} ${m(p.changeMinor)}` : null}
                </span>
                {p.paymentId ? (
                  <span className="receipt-small" data-testid="receipt-payment-id">
                    {t.t('receipt.payment', { id: p.paymentId })}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
          {receipt.balanceDueMinor !== null && receipt.balanceDueMinor > 0 ? (
            <div className="receipt-balance">
              <p className="receipt-total">
                <span>{t.t('receipt.balanceDue')}</span>
                <strong data-testid="receipt-balance-due">{m(receipt.balanceDueMinor)}</strong>
              </p>
              <p className="receipt-small">{t.t('receipt.balanceHint', { id: receipt.orderId })}</p>
            </div>
          ) : null}
          {receipt.terminalReceipts.length > 0 ? (
            <section
              aria-label={t.t('receipt.terminal')}
              className="receipt-terminal"
              data-testid="receipt-terminal"
            >
              {/* The terminal's copies apart (ZVT 06 D3 says which is which); untyped lines as one block. */}
              {receipt.terminalReceipts.map((copy, i) => (
                <figure key={i} className="terminal-copy" data-copy={copy.type}>
                  {copy.type === 'unspecified' ? null : (
                    <figcaption>{t.t(COPY_TITLES[copy.type])}</figcaption>
                  )}
                  <pre>{copy.lines.join('\n')}</pre>
                </figure>
              ))}
            </section>
          ) : null}
          {receipt.footer.map((line, i) => (
            <p key={i}>{line}</p>
          ))}
        </article>
      )}
    </main>
  );
}

const COPY_TITLES = {
  customer: 'receipt.customerCopy',
  merchant: 'receipt.merchantCopy',
  administration: 'receipt.adminCopy',
} as const;
