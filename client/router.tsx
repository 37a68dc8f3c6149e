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
      {
        id: "app",
        lazy: () => import("./routes/app-layout"),
        children: [
          { index: true, lazy: () => import("./routes/home") },
          { path: CLIENT_PATHS.mail, lazy: () => import("./routes/mail") },
          { path: CLIENT_PATHS.account, lazy: () => import("./routes/account") },
          // Usage statistics with charts (uPlot, papaparse): their own chunk, for admins.
          { path: CLIENT_PATHS.adminStats, lazy: () => import("./routes/admin/stats") },
        ],
      },
      // Every other path: "page not found" (the server answers such paths with HTTP 404, see shared/routes.ts).
      { path: "*", lazy: () => import("./routes/not-found") },
    ],
  },
]);
