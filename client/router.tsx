// Routes in React Router data mode. Every screen is its own chunk (lazy), so the first visit to /login
// loads only the shell, the login screen and zod.
import { createBrowserRouter } from "react-router";
import { ErrorBoundary, HydrateFallback, Root } from "./routes/root";

export const router = createBrowserRouter([
  {
    id: "root",
    Component: Root,
    ErrorBoundary,
    HydrateFallback,
    children: [
      { path: "login", lazy: () => import("./routes/login") },
      { path: "register", lazy: () => import("./routes/register") },
      { path: "logout", lazy: () => import("./routes/logout") },
      {
        id: "app",
        lazy: () => import("./routes/app-layout"),
        children: [
          { index: true, lazy: () => import("./routes/home") },
          { path: "mail", lazy: () => import("./routes/mail") },
        ],
      },
      { path: "*", lazy: () => import("./routes/not-found") },
    ],
  },
]);
