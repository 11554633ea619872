/**
 * Intermediate status codes of 04 FF (P15 Table 17, with 5E and 6A–6D of later revisions from the PTL
 * repository). 41–5D are 01–1D plus "please remove card".
 */
import { hexByte } from '../bytes';
import { t, type Texts } from './texts';

const BASE: Readonly<Record<number, Texts>> = {
  0x00: t('Waiting for amount confirmation', 'Warte auf Betragsbestätigung'),
  0x01: t('Please watch PIN pad', 'Bitte Anzeigen auf dem PIN-Pad beachten'),
  0x02: t('Please watch PIN pad', 'Bitte Anzeigen auf dem PIN-Pad beachten'),
  0x03: t('Not accepted', 'Vorgang nicht möglich'),
  0x04: t('Waiting for response from host', 'Warte auf Antwort vom Host'),
  0x05: t('Sending auto-reversal', 'Sende Autostorno'),
  0x06: t('Sending post-bookings', 'Sende Nachbuchungen'),
  0x07: t('Card not admitted', 'Karte nicht zugelassen'),
  0x08: t('Card unknown', 'Karte unbekannt / undefiniert'),
  0x09: t('Expired card', 'Karte verfallen'),
  0x0a: t('Insert card', 'Karte einstecken'),
  0x0b: t('Please remove card', 'Bitte Karte entnehmen'),
  0x0c: t('Card not readable', 'Karte nicht lesbar'),
  0x0d: t('Processing error', 'Vorgang abgebrochen'),
  0x0e: t('Please wait…', 'Vorgang wird bearbeitet, bitte warten…'),
  0x0f: t('Automatic end-of-day', 'Kassenschnitt wird automatisch eingeleitet'),
  0x10: t('Invalid card', 'Ungültige Karte'),
  0x11: t('Balance display', 'Guthabenanzeige'),
  0x12: t('System malfunction', 'Systemfehler'),
  0x13: t('Payment not possible', 'Zahlung nicht möglich'),
  0x14: t('Credit not sufficient', 'Guthaben nicht ausreichend'),
  0x15: t('Incorrect PIN', 'Falsche PIN'),
  0x16: t('Limit not sufficient', 'Limit nicht ausreichend'),
  0x17: t('Please wait…', 'Bitte warten…'),
  0x18: t('PIN try limit exceeded', 'PIN-Versuche überschritten'),
  0x19: t('Card data incorrect', 'Kartendaten fehlerhaft'),
  0x1a: t('Service mode', 'Servicemodus'),
  0x1b: t('Approved, please fill up', 'Autorisierung erfolgt, bitte tanken'),
  0x1c: t('Approved, please take goods', 'Zahlung erfolgt, bitte Ware entnehmen'),
  0x1d: t('Declined', 'Nicht möglich'),
};

const OTHERS: Readonly<Record<number, Texts>> = {
  0x26: t('Please enter mobile number', 'Bitte Mobilfunknummer eingeben'),
  0x27: t('Please repeat mobile number', 'Bitte Mobilfunknummer wiederholen'),
  0x28: t('Currency selection', 'Währungsauswahl'),
  0x29: t('Language selection', 'Sprachauswahl'),
  0x2a: t('Insert card for loading', 'Karte zum Laden einstecken'),
  0x2b: t('Emergency (offline) transaction', 'Notfallbetrieb (offline)'),
  0x2c: t('Application selection (debit/credit)', 'Auswahl Debit/Kredit'),
  0x5e: t('Please remove card', 'Bitte Karte entnehmen'),
  0x66: t(
    'Please enter mobile number, please remove card',
    'Mobilfunknummer eingeben, bitte Karte entnehmen',
  ),
  0x67: t(
    'Please repeat mobile number, please remove card',
    'Mobilfunknummer wiederholen, bitte Karte entnehmen',
  ),
  0x68: t('Card insertion detected', 'Karte erkannt'),
  0x69: t('Please select DCC', 'Bitte DCC wählen'),
  0xc7: t('Waiting for mileage', 'Warte auf Kilometerstand'),
  0xc8: t('Waiting for cashier', 'Warte auf Kassierer'),
  0xc9: t('Automatic diagnosis', 'Automatische Diagnose'),
  0xca: t('Automatic initialisation', 'Automatische Initialisierung'),
  0xcb: t('Merchant journal full', 'Händlerjournal voll'),
  0xcc: t('Debit advice not possible, PIN required', 'Lastschrift nicht möglich, PIN erforderlich'),
  0xd2: t('Dialling', 'DFÜ-Verbindung wird aufgebaut'),
  0xd3: t('Connected', 'DFÜ-Verbindung hergestellt'),
  0xe0: t('Application selection', 'Anwendungsauswahl'),
  0xe1: t('Language selection', 'Sprachauswahl'),
  0xe2: t('Please insert cleaning card', 'Bitte Reinigungskarte einstecken'),
  0xf1: t('Offline', 'Offline'),
  0xf2: t('Online', 'Online'),
  0xf3: t('Offline transaction', 'Offline-Transaktion'),
  0xff: t('See the terminal display', 'Siehe Terminalanzeige'),
};

export function intermediateStatusText(code: number): Texts {
  const base = BASE[code];
  if (base) return base;
  const other = OTHERS[code];
  if (other) return other;
  if (code >= 0x41 && code <= 0x5d) {
    const b = BASE[code - 0x40];
    if (b) return t(`${b.en}, please remove card`, `${b.de}, bitte Karte entnehmen`);
  }
  return t(`Terminal status ${hexByte(code)}`, `Terminalstatus ${hexByte(code)}`);
}

/** Codes that mean the customer must act now (UI emphasis). */
export const INTERMEDIATE_INSERT_CARD = 0x0a;
export const INTERMEDIATE_WATCH_PIN_PAD = 0x01;
export const INTERMEDIATE_WAITING_FOR_HOST = 0x04;
export const INTERMEDIATE_REMOVE_CARD = 0x0b;
