export * from './currencies';
export * from './errors';
export * from './ids';
export * from './ledger';
export * from './money';
export * from './result';
export * from './schemas';
