import { pino, type DestinationStream, type Logger } from "pino";

// NOTE: every path that can carry a secret is redacted: passwords in any procedure input, cookies,
// the Mailcow API key. Procedure inputs are never logged on purpose; this is the second fence.
export const REDACT_PATHS = [
  "req.headers.cookie",
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  "password",
  "*.password",
  "*.password2",
  "*.newPassword",
  "*.currentPassword",
  "apiKey",
  "*.apiKey",
  "headers.cookie",
  'headers["x-api-key"]',
];

/** `destination` defaults to stdout; tests pass a stream to read every line the server writes. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}
