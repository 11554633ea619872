import { basketDiscountMinor, basketTotal, itemCount, lineTotal, subtotalMinor } from '../basket';
import { money } from '../../src-shared/money';
import { useApp, useT } from './context';

export function BasketView() {
  const t = useT();
  const basket = useApp((s) => s.basket);
  const restoring = useApp((s) => s.basketRestoring);
  const setQuantity = useApp((s) => s.setLineQuantity);
  const remove = useApp((s) => s.removeBasketLine);
  const selected = useApp((s) => s.selectedLine);
  const selectLine = useApp((s) => s.selectLine);
  const locale = useApp((s) => s.entry.locale);
  const percent = (bp: number) =>
    new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(bp / 10_000);
  const total = basketTotal(basket);
  const off = basketDiscountMinor(basket);
  const d = basket.discount;
  return (
    <section className="basket" aria-labelledby="basket-title">
      <h2 id="basket-title">{t.t('sale.basket')}</h2>
      {basket.lines.length === 0 ? (
        <p className="empty">{t.t(restoring ? 'sale.restoringBasket' : 'sale.emptyBasket')}</p>
      ) : (
        <ul className="lines" data-testid="basket-lines">
          {basket.lines.map((line) => {
            const name = line.name || t.t('sale.freeAmount');
            return (
              <li key={line.key} className={line.key === selected ? 'line selected' : 'line'}>
                <span className="line-name">
                  <button
                    type="button"
                    className="line-pick"
                    aria-pressed={line.key === selected}
                    aria-label={t.t('line.select', { name })}
                    onClick={() => selectLine(line.key)}
                  >
                    {name}
                  </button>
                  {line.discountMinor ? (
                    <span className="line-discount" data-testid="line-discount">
                      {line.discountBp
                        ? t.t('line.discountPercent', {
                            percent: percent(line.discountBp),
                            amount: t.amount(money(line.discountMinor, line.unitPrice.currency)),
                          })
                        : t.t('line.discount', {
                            amount: t.amount(money(line.discountMinor, line.unitPrice.currency)),
                          })}
                    </span>
                  ) : null}
                </span>
                <span className="line-unit">{t.amount(line.unitPrice)}</span>
                <span className="qty" role="group" aria-label={t.t('sale.quantity', { name })}>
                  <button
                    type="button"
                    aria-label={t.t('sale.decrease', { name })}
                    onClick={() => setQuantity(line.key, line.quantity - 1)}
                  >
                    −
                  </button>
                  <span className="qty-value">{line.quantity}</span>
                  <button
                    type="button"
                    aria-label={t.t('sale.increase', { name })}
                    onClick={() => setQuantity(line.key, line.quantity + 1)}
                  >
                    +
                  </button>
                </span>
                <span className="line-total">{t.amount(lineTotal(line))}</span>
                <button
                  type="button"
                  className="remove"
                  aria-label={t.t('sale.remove', { name })}
                  onClick={() => remove(line.key)}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {off > 0 && d ? (
        // The basket discount under the lines; the host spreads it over them for tax.
        <p className="basket-discount" data-testid="basket-discount">
          <span>
            {t.t('basket.subtotal')} {t.amount(money(subtotalMinor(basket), basket.currency))}
          </span>
          <span>
            {'percentBp' in d
              ? t.t('basket.discountPercent', {
                  percent: percent(d.percentBp),
                  amount: t.amount(money(off, basket.currency)),
                })
              : t.t('basket.discount', { amount: t.amount(money(off, basket.currency)) })}
          </span>
        </p>
      ) : null}
      <p className="total" data-testid="total">
        <span>
          {t.t('sale.total')} · {t.t('sale.items', { count: itemCount(basket) })}
        </span>
        <strong>{t.amount(total)}</strong>
      </p>
    </section>
  );
}
