export * from './contract';
export { newLaunchToken, tokenMatches, TOKEN_SUBPROTOCOL_PREFIX } from './access';
export { bridgeDocs, bridgeDocsHtml, type BridgeDocs } from './docs';
export { startBridge, EVENTS_SUBPROTOCOL, type Bridge, type BridgeOptions } from './server';
