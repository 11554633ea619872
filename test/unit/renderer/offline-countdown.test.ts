import { describe, expect, it } from 'vitest';
import { translator } from '../../../src-renderer/i18n/i18n';
import { offlineCardsPill } from '../../../src-renderer/ui/offline-countdown';

const now = new Date('2026-12-03T10:00:00Z');
const at = (hours: number) => new Date(now.getTime() + hours * 3_600_000).toISOString();

describe('offline card payments countdown in the status bar', () => {
  it('shows nothing when no card payment waits', () => {
    expect(offlineCardsPill(translator('en'), [], now)).toBeNull();
  });

  it("counts the waiting payments and shows the oldest one's remaining time, in English and German", () => {
    // Listed oldest first by the host, but the earliest forwardBy wins whatever the order.
    const list = [{ forwardBy: at(30) }, { forwardBy: at(5.5) }, { forwardBy: at(47) }];
    expect(offlineCardsPill(translator('en'), list, now)).toEqual({
      overdue: false,
      text: '3 card payments to forward, the oldest due in 5 hours',
    });
    expect(offlineCardsPill(translator('de'), list, now)).toEqual({
      overdue: false,
      text: '3 Kartenzahlungen weiterzuleiten, die älteste fällig in 5 Stunden',
    });
    expect(
      offlineCardsPill(translator('en'), [{ forwardBy: at(0.25) }, { forwardBy: at(9) }], now)?.text,
    ).toBe('2 card payments to forward, the oldest due in 15 minutes');
  });

  it('says since when the oldest is overdue (no more offline card payments then)', () => {
    expect(offlineCardsPill(translator('en'), [{ forwardBy: at(-2) }, { forwardBy: at(10) }], now)).toEqual({
      overdue: true,
      text: '2 card payments to forward, the oldest was due 2 hours ago',
    });
    expect(offlineCardsPill(translator('de'), [{ forwardBy: at(-2) }, { forwardBy: at(1) }], now)?.text).toBe(
      '2 Kartenzahlungen weiterzuleiten, die älteste war fällig vor 2 Stunden',
    );
  });
});
