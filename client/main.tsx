import "./styles.css";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "react-router/dom";
import { getLocale, I18nProvider, loadDictionary, setLocale } from "./i18n";
import { router } from "./router";
import { queryClient, trpc, trpcClient } from "./trpc";

document.documentElement.lang = getLocale();

const container = document.getElementById("root");
if (!container) throw new Error("index.html has no #root element");

const root = createRoot(container);
function render() {
  root.render(
    <StrictMode>
      <trpc.Provider client={trpcClient} queryClient={queryClient}>
        <QueryClientProvider client={queryClient}>
          <I18nProvider>
            <RouterProvider router={router} />
          </I18nProvider>
        </QueryClientProvider>
      </trpc.Provider>
    </StrictMode>,
  );
}

// A remembered non-default language: its words first, so the first screen is not shown in Russian
// (if they cannot be loaded, the app starts in Russian rather than not at all).
loadDictionary(getLocale()).then(render, () => setLocale("ru").then(render));
