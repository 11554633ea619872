import { basketTotal, itemCount, lineTotal } from '../basket';
import { useApp, useT } from './context';

export function BasketView() {
  const t = useT();
  const basket = useApp((s) => s.basket);
  const setQuantity = useApp((s) => s.setLineQuantity);
  const remove = useApp((s) => s.removeBasketLine);
  const total = basketTotal(basket);
  return (
    <section className="basket" aria-labelledby="basket-title">
      <h2 id="basket-title">{t.t('sale.basket')}</h2>
      {basket.lines.length === 0 ? (
        <p className="empty">{t.t('sale.emptyBasket')}</p>
      ) : (
        <ul className="lines" data-testid="basket-lines">
          {basket.lines.map((line) => {
            const name = line.name || t.t('sale.freeAmount');
            return (
              <li key={line.key} className="line">
                <span className="line-name">{name}</span>
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
      <p className="total" data-testid="total">
        <span>
          {t.t('sale.total')} · {t.t('sale.items', { count: itemCount(basket) })}
        </span>
        <strong>{t.amount(total)}</strong>
      </p>
    </section>
  );
}
