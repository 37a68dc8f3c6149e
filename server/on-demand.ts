// Code only a few requests need, loaded the first time one of them comes instead of at every start: mail-app
// set-up documents (XML, plist, UUIDs), CSV (the admin import and the audit export) and message rendering (mailparser,
// htmlparser2). The production build turns each `import()` below into a chunk or a package import that runs on the
// first call; together they took ~100 ms of the server's cold start. Each loader keeps its first promise, so a later
// call costs one resolved await, not a round through the module loader (0.15 ms a call under tsx). Import these
// modules through here only: one static import elsewhere would put them back into the start-up path.
import type Papa from "papaparse";

/** The loader's promise, made on the first call and handed out again afterwards. */
function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

/** autoconfig, the Apple profile and Outlook autodiscover (fast-xml-parser, plist, uuid). */
export const loadMailAppDocuments = onFirstUse(() => import("./http/mail-app-documents"));

/** papaparse: parsing the import CSV, writing the audit export. */
export const loadCsv = onFirstUse(async (): Promise<typeof Papa> => (await import("papaparse")).default);

/** Reading a message: the header parser (mailparser) and the HTML sanitiser. */
export const loadMessageRendering = onFirstUse(() => import("./inbox/render"));
