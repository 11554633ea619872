/** Card types (P15 §12, BMP 8A), terminal status after Status-Enquiry (P15 §11), and command names. */
import { hexByte } from '../bytes';
import { t, type Texts } from './texts';

const CARD_TYPES: Readonly<Record<number, string>> = {
  5: 'girocard',
  6: 'Mastercard',
  8: 'American Express',
  10: 'VISA',
  11: 'VISA Electron',
  12: 'Diners',
  13: 'V PAY',
  14: 'JCB',
  30: 'GeldKarte',
  46: 'Maestro',
  97: 'Alipay',
  198: 'CUP',
  232: 'Discover',
};

export function cardTypeName(id: number): string {
  return CARD_TYPES[id] ?? `card type ${id}`;
}

/** ZVT card type ids by the shared CardBrand (for the virtual terminal's BMP 8A). */
export const CARD_TYPE_BY_BRAND: Readonly<Record<string, number>> = {
  GIROCARD: 5,
  MASTERCARD: 6,
  AMEX: 8,
  VISA: 10,
  JCB: 14,
  MAESTRO: 46,
  DISCOVER: 232,
};

const TERMINAL_STATUS: Readonly<Record<number, Texts>> = {
  0x00: t('PT ready', 'PT bereit'),
  0x51: t('initialisation required', 'Initialisierung erforderlich'),
  0x62: t('date/time incorrect', 'Datum/Uhrzeit falsch'),
  0x9c: t('please wait (software update)', 'bitte warten (Software-Update)'),
  0x9d: t('partial issue of goods', 'Teilausgabe der Ware'),
  0xb1: t('memory full', 'Speicher voll'),
  0xb2: t('merchant journal full', 'Händlerjournal voll'),
  0xbf: t('voltage supply too low', 'Versorgungsspannung zu niedrig'),
  0xc0: t('card locking mechanism defective', 'Kartenverriegelung defekt'),
  0xc1: t('merchant card locked', 'Händlerkarte gesperrt'),
  0xc2: t('diagnosis required', 'Diagnose erforderlich'),
  0xc4: t('card profile invalid', 'Kartenprofil ungültig'),
  0xcc: t('printer not ready', 'Drucker nicht bereit'),
  0xdc: t('card inserted', 'Karte eingesteckt'),
  0xdf: t('out of order', 'außer Betrieb'),
  0xe0: t('remote maintenance activated', 'Fernwartung aktiviert'),
  0xe1: t('card not completely removed', 'Karte nicht vollständig entnommen'),
  0xe2: t('card reader defective', 'Kartenleser defekt'),
  0xe3: t('shutter closed', 'Shutter geschlossen'),
  0xe4: t('terminal activation required', 'Terminal-Aktivierung erforderlich'),
  0xf0: t('reconciliation required', 'Kassenschnitt erforderlich'),
  0xf6: t('OPT data not available', 'OPT-Daten nicht vorhanden'),
};

export function terminalStatusText(code: number): Texts {
  return TERMINAL_STATUS[code] ?? t(`terminal status ${hexByte(code)}`, `Terminalstatus ${hexByte(code)}`);
}

/** CLASS INSTR → name, for traces and `decode`. */
const COMMANDS: Readonly<Record<string, string>> = {
  '0600': 'Registration',
  '0601': 'Authorization',
  '0602': 'Log-Off',
  '060F': 'Completion',
  '061E': 'Abort (PT)',
  '0620': 'Repeat Receipt',
  '0622': 'Pre-Authorisation',
  '0623': 'Partial Reversal',
  '0624': 'Book Total',
  '0625': 'Pre-Auth Reversal',
  '0630': 'Reversal',
  '0631': 'Refund',
  '0650': 'End-of-Day',
  '0670': 'Diagnosis',
  '0693': 'Initialisation',
  '0691': 'Set Date/Time',
  '0618': 'Reset Terminal',
  '061A': 'Print System Configuration',
  '06B0': 'Abort (ECR)',
  '06C0': 'Read Card',
  '06D1': 'Print Line',
  '06D3': 'Print Text-Block',
  '06E0': 'Display Text',
  '0501': 'Status Enquiry',
  '0401': 'Set Date/Time in ECR',
  '040F': 'Status Information',
  '04FF': 'Intermediate Status',
  '0840': 'Change Baudrate',
};

export function commandName(cls: number, ins: number): string {
  if (cls === 0x80) return 'Acknowledgement (positive)';
  if (cls === 0x84) return ins === 0x00 ? 'Acknowledgement (positive, 84 00)' : 'Acknowledgement (negative)';
  return COMMANDS[hexByte(cls) + hexByte(ins)] ?? `Unknown command ${hexByte(cls)} ${hexByte(ins)}`;
}
