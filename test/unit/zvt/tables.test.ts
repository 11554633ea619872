import { describe, expect, test } from 'vitest';
import { KNOWN_RESULT_CODES, resultCodeText } from '../../../src-main/zvt/codec/tables/result-codes';
import { intermediateStatusText } from '../../../src-main/zvt/codec/tables/intermediate-status';
import { cardTypeName, terminalStatusText } from '../../../src-main/zvt/codec/tables/terminal-tables';

describe('code tables have readable English and German texts', () => {
  test('every result code of P15 §10 has both texts, and they differ', () => {
    expect(KNOWN_RESULT_CODES.length).toBeGreaterThan(70);
    for (const code of KNOWN_RESULT_CODES) {
      const t = resultCodeText(code);
      expect(t.en.length).toBeGreaterThan(3);
      expect(t.de.length).toBeGreaterThan(3);
    }
    expect(resultCodeText(0x6c).de).toContain('Abbruch');
  });
  test('host codes 01–63 are named as host declines, with ISO meanings where known', () => {
    expect(resultCodeText(0x05).en).toContain('declined');
    expect(resultCodeText(0x33).en).toBe('insufficient funds (host code 51)');
    expect(resultCodeText(0x37).de).toContain('falsche PIN');
    expect(resultCodeText(0x02).en).toBe('declined by the host, code 2');
  });
  test('intermediate statuses, including 41–5D “… please remove card”', () => {
    expect(intermediateStatusText(0x0a)).toEqual({ en: 'Insert card', de: 'Karte einstecken' });
    expect(intermediateStatusText(0x4a).en).toBe('Insert card, please remove card');
    expect(intermediateStatusText(0x99).en).toBe('Terminal status 99');
  });
  test('card types and terminal statuses', () => {
    expect(cardTypeName(46)).toBe('Maestro');
    expect(cardTypeName(5)).toBe('girocard');
    expect(terminalStatusText(0xdf).de).toBe('außer Betrieb');
  });
});
