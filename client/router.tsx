// Routes in React Router data mode. Every screen is its own chunk (lazy), so the first visit to /login
// loads only the shell, the login screen and zod.
import { createBrowserRouter } from "react-router";
import { CLIENT_PATHS } from "../shared/routes";
import { ErrorBoundary, HydrateFallback, Root } from "./routes/root";

export const router = createBrowserRouter([
  {
    id: "root",
    Component: Root,
    ErrorBoundary,
    HydrateFallback,
    children: [
      { path: CLIENT_PATHS.login, lazy: () => import("./routes/login") },
      { path: CLIENT_PATHS.register, lazy: () => import("./routes/register") },
      { path: CLIENT_PATHS.logout, lazy: () => import("./routes/logout") },
      { path: CLIENT_PATHS.reset, lazy: () => import("./routes/reset") },
      {
        id: "app",
        lazy: () => import("./routes/app-layout"),
        children: [
          { index: true, lazy: () => import("./routes/home") },
          { path: CLIENT_PATHS.mail, lazy: () => import("./routes/mail") },
          { path: CLIENT_PATHS.account, lazy: () => import("./routes/account") },
          // The admin console: one chunk here; its sections are chunks it loads itself (client/routes/admin/layout.tsx).
          { path: `${CLIENT_PATHS.admin}/*`, lazy: () => import("./routes/admin/layout") },
        ],
      },
      // Every other path: "page not found" (the server answers such paths with HTTP 404, see shared/routes.ts).
      { path: "*", lazy: () => import("./routes/not-found") },
    ],
  },
]);
