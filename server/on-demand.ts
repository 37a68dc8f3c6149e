// Code only a few requests need, loaded the first time one of them comes instead of at every start: mail-app
// set-up documents (XML, plist, UUIDs) and CSV (the admin import and the audit export). The production build turns
// each `import()` below into a chunk or a package import that runs on the first call (Node keeps the module, so
// later calls cost nothing); together they took ~100 ms of the server's cold start. Import these modules through
// here only: one static import elsewhere would put them back into the start-up path.
import type Papa from "papaparse";

/** autoconfig, the Apple profile and Outlook autodiscover (fast-xml-parser, plist, uuid). */
export const loadMailAppDocuments = () => import("./http/mail-app-documents");

/** papaparse: parsing the import CSV, writing the audit export. */
export const loadCsv = async (): Promise<typeof Papa> => (await import("papaparse")).default;
