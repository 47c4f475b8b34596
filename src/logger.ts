// Structured logs (pino, JSON lines on stdout). Secrets are redacted by key wherever they appear, so a config
// object or an HTTP header logged by mistake still shows no password, token or client secret.
import pino, { type Logger } from 'pino';

export type { Logger };

export const REDACTED_KEYS = [
  'password',
  'BOT_PASSWORD',
  'clientSecret',
  'AZURE_CLIENT_SECRET',
  'authorization',
  'Authorization',
  'accessToken',
  'token',
  'passwordProfile',
  // A reinstatement's Temporary Access Pass (Graph's answer, and the vault's record): never logged, even by mistake.
  'temporaryAccessPass',
  'pass',
  // The shared store's account keys (development only; production uses the managed identity).
  'connectionString',
  'AZURE_STORAGE_CONNECTION_STRING',
  'accountKey',
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const paths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { app: 'offboarding-bot' },
      redact: { paths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
