// Fresh services over an in-memory database for procedure and HTTP tests.
import { pino, type Logger } from "pino";
import { createServices, type MailcowConnection } from "../create-services";
import { createInnerContext, type InnerContext } from "../context";
import { parseEnv, type AppConfig, type RawEnv } from "../env";
import { createCallerFactory } from "../trpc";
import { appRouter } from "../routers/_app";
import type { CookieSpec } from "../auth/lucia";
import type { DemoMode } from "../mailbox/demo";
import type { Services } from "../services";

export function testConfig(overrides: Partial<Record<keyof RawEnv, string>> = {}): AppConfig {
  const result = parseEnv({ NODE_ENV: "test", DATABASE_PATH: ":memory:", LOG_LEVEL: "silent", ...overrides });
  if (!result.ok) throw new Error(`bad test config: ${result.problems.join("; ")}`);
  return result.config;
}

export interface TestServiceOptions {
  /** Where Mailcow is (usually `useMailcowEmulator().config`); default: a closed port, i.e. Mailcow down. */
  mailcow?: MailcowConnection & { timeoutMs?: number };
  now?: () => number;
  /** Default: silent. */
  logger?: Logger;
  demoMode?: DemoMode;
}

export function createTestServices(overrides: Partial<Record<keyof RawEnv, string>> = {}, options: TestServiceOptions = {}): Services {
  const mailcow = options.mailcow ?? { baseUrl: "http://127.0.0.1:9/api/v1", apiKey: "TEST-KEY-NOT-USED" };
  const config = testConfig({
    MAILCOW_TIMEOUT_MS: String(options.mailcow?.timeoutMs ?? 2000),
    PROVISIONING_SIGNUP_DEADLINE_MS: "3000",
    ...overrides,
  });
  return createServices(config, options.logger ?? pino({ level: "silent" }), {
    mailcow,
    ...(options.now ? { now: options.now } : {}),
    ...(options.demoMode && { demoMode: options.demoMode }),
  });
}

const createCaller = createCallerFactory(appRouter);

/** A caller that behaves like one browser: it keeps the session cookie the procedures set. */
export function createTestClient(services: Services = createTestServices(), ip = "127.0.0.1", userAgent: string | null = null) {
  const jar = new Map<string, CookieSpec>();
  let ctx: InnerContext = createInnerContext(services, { ip, userAgent });
  const cookies = { set: (cookie: CookieSpec) => void jar.set(cookie.name, cookie) };
  async function refresh() {
    const sessionId = jar.get(services.sessions.cookieName)?.value;
    const validated = sessionId ? await services.sessions.validate(sessionId, { ip, userAgent }) : null;
    ctx = createInnerContext(services, { ip, userAgent, cookies, user: validated?.user ?? null, session: validated?.session ?? null });
  }
  return {
    services,
    cookies: jar,
    /** A caller for the current cookie state (call again after sign-in or sign-out). */
    async caller() {
      await refresh();
      return createCaller(ctx);
    },
  };
}

export const STRONG_PASSWORD = "correct-horse-battery-staple";
