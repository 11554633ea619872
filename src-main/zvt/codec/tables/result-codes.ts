/**
 * Result codes of BMP 27, 06 1E and 84 xx (P15 §10). 01–63 hex are host (issuer/network) codes passed
 * through as binary; the ones named here are the ISO 8583 meanings acquirers use [inference: P15 does not
 * list host codes; 05 and 55 are confirmed by the reference's examples].
 */
import { hexByte } from '../bytes';
import { t, type Texts } from './texts';

const ZVT_RESULT_CODES: Readonly<Record<number, Texts>> = {
  0x00: t('success', 'erfolgreich'),
  0x64: t('card not readable (LRC/parity error)', 'Karte nicht lesbar (LRC-/Paritätsfehler)'),
  0x65: t('card data not present', 'Kartendaten nicht vorhanden'),
  0x66: t('processing error (card reader mechanics)', 'Verarbeitungsfehler (Kartenleser-Mechanik)'),
  0x67: t('function not permitted for ec/Maestro cards', 'Funktion für ec-/Maestro-Karten nicht erlaubt'),
  0x68: t('function not permitted for credit/tank cards', 'Funktion für Kredit-/Tankkarten nicht erlaubt'),
  0x6a: t('turnover file full', 'Umsatzdatei voll'),
  0x6b: t('function deactivated (PT not registered)', 'Funktion deaktiviert (PT nicht angemeldet)'),
  0x6c: t('abort via timeout or abort key', 'Abbruch durch Timeout oder Abbruch-Taste'),
  0x6e: t('card in blocked list', 'Karte in Sperrliste'),
  0x6f: t('wrong currency', 'falsche Währung'),
  0x71: t('credit not sufficient (chip)', 'Guthaben nicht ausreichend (Chip)'),
  0x72: t('chip error', 'Chipfehler'),
  0x73: t('card data incorrect', 'Kartendaten fehlerhaft'),
  0x74: t('DUKPT engine exhausted', 'DUKPT-Schlüssel erschöpft'),
  0x75: t('text not authentic', 'Text nicht authentisch'),
  0x76: t('PAN not in white list', 'PAN nicht in Positivliste'),
  0x77: t('end-of-day batch not possible', 'Kassenschnitt nicht möglich'),
  0x78: t('card expired', 'Karte abgelaufen'),
  0x79: t('card not yet valid', 'Karte noch nicht gültig'),
  0x7a: t('card unknown', 'Karte unbekannt'),
  0x7b: t(
    'fallback to magnetic stripe not possible (girocard)',
    'Fallback auf Magnetstreifen nicht möglich (girocard)',
  ),
  0x7c: t(
    'fallback to magnetic stripe not possible (other cards)',
    'Fallback auf Magnetstreifen nicht möglich (andere Karten)',
  ),
  0x7d: t('communication error', 'Kommunikationsfehler'),
  0x7e: t(
    'fallback to magnetic stripe not possible, debit advice possible',
    'Fallback auf Magnetstreifen nicht möglich, Lastschrift möglich',
  ),
  0x83: t('function not possible', 'Funktion nicht möglich'),
  0x85: t('key missing', 'Schlüssel fehlt'),
  0x89: t('PIN pad defective', 'PIN-Pad defekt'),
  0x9a: t('ZVT protocol error', 'ZVT-Protokollfehler'),
  0x9b: t('error from dial-up / communication fault', 'Fehler bei der Einwahl / Kommunikationsfehler'),
  0x9c: t('please wait', 'bitte warten'),
  0xa0: t('receiver not ready', 'Empfänger nicht bereit'),
  0xa1: t('remote station does not respond', 'Gegenstelle antwortet nicht'),
  0xa3: t('no connection', 'keine Verbindung'),
  0xa4: t('submission of GeldKarte not possible', 'Einreichung GeldKarte nicht möglich'),
  0xa5: t('function not allowed due to PCI-DSS/P2PE rules', 'Funktion wegen PCI-DSS/P2PE nicht erlaubt'),
  0xb1: t('memory full', 'Speicher voll'),
  0xb2: t('merchant journal full', 'Händlerjournal voll'),
  0xb4: t('already reversed', 'bereits storniert'),
  0xb5: t('reversal not possible', 'Storno nicht möglich'),
  0xb7: t('pre-authorisation incorrect (amount wrong)', 'Vorautorisierung fehlerhaft (Betrag falsch)'),
  0xb8: t('error pre-authorisation', 'Fehler Vorautorisierung'),
  0xbf: t('voltage supply too low', 'Versorgungsspannung zu niedrig'),
  0xc0: t('card locking mechanism defective', 'Kartenverriegelung defekt'),
  0xc1: t('merchant card locked', 'Händlerkarte gesperrt'),
  0xc2: t('diagnosis required', 'Diagnose erforderlich'),
  0xc3: t('maximum amount exceeded', 'Maximalbetrag überschritten'),
  0xc4: t('card profile invalid', 'Kartenprofil ungültig'),
  0xc5: t('payment method not supported', 'Zahlungsart nicht unterstützt'),
  0xc6: t('currency not applicable', 'Währung nicht anwendbar'),
  0xc8: t('amount too small', 'Betrag zu klein'),
  0xc9: t('maximum transaction amount too small', 'maximaler Transaktionsbetrag zu klein'),
  0xcb: t('function only allowed in EURO', 'Funktion nur in EURO erlaubt'),
  0xcc: t('printer not ready', 'Drucker nicht bereit'),
  0xcd: t('cashback not possible', 'Cashback nicht möglich'),
  0xd2: t('function not permitted for service cards', 'Funktion für Servicekarten nicht erlaubt'),
  0xdc: t('card inserted', 'Karte eingesteckt'),
  0xdd: t('error during card eject', 'Fehler beim Kartenauswurf'),
  0xde: t('error during card insertion', 'Fehler beim Karteneinzug'),
  0xe0: t('remote maintenance activated', 'Fernwartung aktiviert'),
  0xe2: t('card reader does not answer / defective', 'Kartenleser antwortet nicht / defekt'),
  0xe3: t('shutter closed', 'Shutter geschlossen'),
  0xe4: t('terminal activation required', 'Terminal-Aktivierung erforderlich'),
  0xe7: t('min. one goods group not found', 'mindestens eine Warengruppe nicht gefunden'),
  0xe8: t('no goods-groups table loaded', 'keine Warengruppentabelle geladen'),
  0xe9: t('restriction code not permitted', 'Restriktionscode nicht erlaubt'),
  0xea: t('card code not permitted', 'Kartencode nicht erlaubt'),
  0xeb: t(
    'function not executable (PIN algorithm unknown)',
    'Funktion nicht ausführbar (PIN-Algorithmus unbekannt)',
  ),
  0xec: t('PIN processing not possible', 'PIN-Verarbeitung nicht möglich'),
  0xed: t('PIN pad defective', 'PIN-Pad defekt'),
  0xf0: t('open end-of-day batch present', 'offener Kassenschnitt vorhanden'),
  0xf1: t('ec-cash/Maestro offline error', 'ec-cash/Maestro Offline-Fehler'),
  0xf5: t('OPT error', 'OPT-Fehler'),
  0xf6: t('OPT data not available', 'OPT-Daten nicht vorhanden'),
  0xfa: t('error transmitting offline transactions', 'Fehler bei der Übertragung von Offline-Umsätzen'),
  0xfb: t('turnover data set defective', 'Umsatzdatensatz defekt'),
  0xfc: t('necessary device not present or defective', 'notwendiges Gerät fehlt oder defekt'),
  0xfd: t('baud rate not supported', 'Baudrate nicht unterstützt'),
  0xfe: t('register unknown', 'Register unbekannt'),
  0xff: t('system error (see TLV 1F16/1F17)', 'Systemfehler (siehe TLV 1F16/1F17)'),
};

/** ISO 8583 response codes commonly passed through by the host (decimal code → text). */
const HOST_CODES: Readonly<Record<number, Texts>> = {
  5: t('declined by the card issuer (do not honour)', 'vom Kartenherausgeber abgelehnt'),
  14: t('invalid card number', 'ungültige Kartennummer'),
  41: t('card reported lost', 'Karte als verloren gemeldet'),
  43: t('card reported stolen', 'Karte als gestohlen gemeldet'),
  51: t('insufficient funds', 'Deckung nicht ausreichend'),
  54: t('card expired (issuer)', 'Karte abgelaufen (Herausgeber)'),
  55: t('wrong PIN', 'falsche PIN'),
  61: t('amount limit exceeded', 'Betragslimit überschritten'),
  62: t('restricted card', 'Karte eingeschränkt'),
  75: t('PIN try limit exceeded', 'PIN-Versuche überschritten'),
  91: t('issuer not available', 'Kartenherausgeber nicht erreichbar'),
};

export function resultCodeText(code: number): Texts {
  const known = ZVT_RESULT_CODES[code];
  if (known) return known;
  if (code >= 0x01 && code <= 0x63) {
    const host = HOST_CODES[code];
    const suffix = ` (host code ${code})`;
    return host
      ? t(host.en + suffix, host.de + ` (Host-Code ${code})`)
      : t(`declined by the host, code ${code}`, `vom Host abgelehnt, Code ${code}`);
  }
  return t(`unknown result code ${hexByte(code)}`, `unbekannter Ergebniscode ${hexByte(code)}`);
}

/** P15 §10: every code in the table (for fixtures and documentation). */
export const KNOWN_RESULT_CODES: readonly number[] = Object.keys(ZVT_RESULT_CODES).map(Number);
