/**
 * The demo credentials `npm start` provisions on its first run and keeps beside the database they belong to
 * (`<COUNTER_DATA_DIR>/demo-credentials.json`, mode 0600): the SDK snippet of the README and
 * `npm run core -- request` read them. Names follow the SDK's (`apiKeyId`, `secretApiKey`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';

export interface DemoCredentials {
  merchantId: string;
  apiKeyId: string;
  secretApiKey: string;
  storeId: string;
  terminalId: string;
  terminalKeyId: string;
  terminalSecret: string;
  issuer: number;
}

export const demoCredentialsPath = (dataDir: string) => path.join(dataDir, DEMO_CREDENTIALS_FILE);

/** The file's credentials, or null when there is none; files written before the rename say `apiKeySecret`. */
export function readDemoCredentials(dataDir: string): DemoCredentials | null {
  let text: string;
  try {
    text = readFileSync(demoCredentialsPath(dataDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const raw = JSON.parse(text) as DemoCredentials & { apiKeySecret?: string };
  const { apiKeySecret, ...rest } = raw;
  return { ...rest, secretApiKey: raw.secretApiKey ?? apiKeySecret ?? '' };
}

export function writeDemoCredentials(dataDir: string, credentials: DemoCredentials): void {
  // Readable by this user only: it holds secrets in clear, as the CLI printed them once.
  writeFileSync(demoCredentialsPath(dataDir), JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
}
