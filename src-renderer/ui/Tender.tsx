import { basketTotal, cardPartOfSplit, changeDue, quickCashAmounts } from '../basket';
import { entryAmount } from '../input/amount-entry';
import { subtract } from '../../src-shared/money';
import { useApp, useT } from './context';
import { Keypad } from './Keypad';

/** Tender: card, cash (quick cash buttons, change due) or split (cash part, the card pays the rest). */
export function Tender() {
  const t = useT();
  const basket = useApp((s) => s.basket);
  const tender = useApp((s) => s.tender);
  const entry = useApp((s) => s.entry);
  const chooseTender = useApp((s) => s.chooseTender);
  const setCashGiven = useApp((s) => s.setCashGiven);
  const startCard = useApp((s) => s.startCardPayment);
  const startSplit = useApp((s) => s.startSplitPayment);
  const completeCash = useApp((s) => s.completeCashSale);
  const addEntryAsItem = useApp((s) => s.addEntryAsItem);
  const due = basketTotal(basket);
  const empty = basket.lines.length === 0;
  const typed = entryAmount(entry);
  const given = typed.ok ? typed.value : null;
  const change = given ? changeDue(due, given) : null;
  const cardPart = given ? cardPartOfSplit(due, given) : null;

  if (tender === 'none') {
    return (
      <section className="tender" aria-label={t.t('tender.title')}>
        <Keypad label={t.t('sale.freeAmount')} />
        <button type="button" onClick={addEntryAsItem} disabled={!given || given.amountMinor <= 0}>
          {t.t('sale.addAmount')}
        </button>
        <LineKeys />
        <BasketKeys />
        <div className="tender-buttons">
          <button type="button" className="primary" disabled={empty} onClick={() => void startCard(due)}>
            {t.t('tender.card')}
          </button>
          <button type="button" disabled={empty} onClick={() => chooseTender('cash')}>
            {t.t('tender.cash')}
          </button>
          <button type="button" disabled={empty} onClick={() => chooseTender('split')}>
            {t.t('tender.split')}
          </button>
        </div>
      </section>
    );
  }

  const cash = tender === 'cash';
  return (
    <section className="tender" aria-label={t.t('tender.title')}>
      <Keypad label={cash ? t.t('tender.given') : t.t('tender.cashPart')} />
      {cash && (
        <div role="group" aria-label={t.t('tender.cash')} className="quick-cash">
          {quickCashAmounts(due).map((q) => (
            <button
              key={q.label + q.amount.amountMinor}
              type="button"
              disabled={!q.enough}
              onClick={() => setCashGiven(q.amount)}
            >
              {q.label === 'exact' ? t.t('tender.exact') : t.amount(q.amount)}
            </button>
          ))}
        </div>
      )}
      <p className="change" aria-live="polite" data-testid="change">
        {cash
          ? change
            ? `${t.t('tender.changeDue')}: ${t.amount(change)}`
            : given
              ? t.t('tender.notEnough', { missing: t.amount(subtract(due, given)) })
              : '\u00a0'
          : cardPart
            ? `${t.t('tender.cardPart')}: ${t.amount(cardPart)}`
            : '\u00a0'}
      </p>
      <div className="tender-buttons">
        {cash ? (
          <button
            type="button"
            className="primary"
            disabled={!change}
            onClick={() => given && void completeCash(given)}
          >
            {t.t('tender.complete')}
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={!cardPart}
            onClick={() => cardPart && given && void startSplit(cardPart, given)}
          >
            {t.t('tender.card')}
          </button>
        )}
        <button type="button" onClick={() => chooseTender('none')}>
          {t.t('card.done')}
        </button>
      </div>
    </section>
  );
}

/**
 * Quantity and discount by keypad: key the number, then press what it is for; it acts on the selected basket
 * line, or the last one. Keyboard: `*` is Quantity, `%` is Discount % (App's key handler).
 */
function LineKeys() {
  const t = useT();
  const basket = useApp((s) => s.basket);
  const selected = useApp((s) => s.selectedLine);
  const apply = useApp((s) => s.applyEntryToLine);
  const target = basket.lines.find((l) => l.key === selected) ?? basket.lines.at(-1);
  const name = target ? target.name || t.t('sale.freeAmount') : null;
  return (
    <div role="group" aria-label={t.t('line.keys')} aria-describedby="line-target" className="line-keys">
      <p id="line-target" className="line-target" data-testid="line-target">
        {name ? t.t('line.target', { name }) : '\u00a0'}
      </p>
      <button type="button" disabled={!target} onClick={() => apply('quantity')}>
        {t.t('line.setQuantity')}
      </button>
      <button type="button" disabled={!target} onClick={() => apply('discount')}>
        {t.t('line.setDiscount')}
      </button>
      <button type="button" disabled={!target} onClick={() => apply('percent')}>
        {t.t('line.setPercent')}
      </button>
    </div>
  );
}

/** A discount on the whole basket by keypad: key the amount or the percentage, then press it. */
export function BasketKeys() {
  const t = useT();
  const empty = useApp((s) => s.basket.lines.length === 0);
  const apply = useApp((s) => s.applyEntryToBasket);
  return (
    <div role="group" aria-label={t.t('basket.keys')} className="line-keys basket-keys">
      <button type="button" disabled={empty} onClick={() => apply('amount')}>
        {t.t('basket.setDiscount')}
      </button>
      <button type="button" disabled={empty} onClick={() => apply('percent')}>
        {t.t('basket.setPercent')}
      </button>
    </div>
  );
}
