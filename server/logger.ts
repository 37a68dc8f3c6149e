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

export type LogFormat = "pretty" | "json";

/** LOG_FORMAT when set; otherwise readable lines in development and JSON lines everywhere else. */
export function logFormat(config: { NODE_ENV: string; LOG_FORMAT?: LogFormat | undefined }): LogFormat {
  return config.LOG_FORMAT ?? (config.NODE_ENV === "development" ? "pretty" : "json");
}

/**
 * JSON lines on stdout, or with "pretty" short human-readable lines formatted by pino-pretty in pino's transport
 * (a worker thread, so formatting costs the server's thread nothing). Tests pass a stream to read every JSON line.
 */
export function createLogger(level: string, destination: DestinationStream | LogFormat = "json"): Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } };
  if (destination === "json") return pino(options);
  if (destination === "pretty") {
    return pino({
      ...options,
      transport: {
        target: "pino-pretty",
        // Time of day, level, message and what matters of the rest on one line; ids, pids, host names and client
        // ports only get in the way when reading along.
        options: { translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname,reqId,req.host,req.remoteAddress,req.remotePort", singleLine: true },
      },
    });
  }
  return pino(options, destination);
}
