import { describe, expect, it } from 'vitest';
import { maskCardNumbers } from '../../../src-main/host/live';

describe('maskCardNumbers', () => {
  it('masks any run of 13 to 19 digits to its last four, with or without spaces and dashes', () => {
    expect(maskCardNumbers('Karte 4330264936344675')).toBe('Karte ************4675');
    expect(maskCardNumbers('PAN 5555 5555 5555 4444 ok')).toBe('PAN ************4444 ok');
    expect(maskCardNumbers('4330-2649-3634-4675')).toBe('************4675');
    expect(maskCardNumbers('Karte 433026******4675')).toBe('Karte 433026******4675');
  });
  it('leaves shorter numbers alone: receipt and trace numbers, dates, amounts', () => {
    for (const line of ['Beleg-Nr. 0001', 'Trace-Nr. 000001', 'Terminal-ID 52500001', 'Betrag EUR 13,99'])
      expect(maskCardNumbers(line)).toBe(line);
  });
});
