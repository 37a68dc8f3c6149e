// The HTTP app of a test file's tests: built from services (a fresh in-memory platform each), closed after each test.
import { afterEach } from "vitest";
import { buildApp } from "../http/app";

export type TestApp = Awaited<ReturnType<typeof buildApp>>;

/** `const startApp = useTestApps(); … const app = await startApp(services)` — every app is closed after its test. */
export function useTestApps(): (...args: Parameters<typeof buildApp>) => Promise<TestApp> {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });
  return async (...args) => {
    const app = await buildApp(...args);
    apps.push(app);
    return app;
  };
}
