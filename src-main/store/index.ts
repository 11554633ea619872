/** The counter's local store (issue 9): one SQLite database per data directory. */
export * from './app-state';
export * from './attempts';
export * from './audit';
export * from './cash';
export * from './catalogue';
export * from './db';
export * from './exceptions';
export * from './lock';
export * from './orders';
export * from './outbox';
export * from './refund-requests';
export * from './reports';
export * from './search';
export * from './settings';
export * from './staff';
export * from './rescue';
export * from './collections';
