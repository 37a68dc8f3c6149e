// CSV read in the browser (the admin console's uploads).
import Papa from "papaparse";

/** Usernames from a CSV: the first column of every row; a header "username" is skipped. */
export function usernamesFromCsv(text: string): string[] {
  const rows = Papa.parse<string[]>(text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n"), { newline: "\n", skipEmptyLines: true }).data;
  return rows
    .map((row) => (row[0] ?? "").trim())
    .filter((name, index) => name !== "" && !(index === 0 && name.toLowerCase() === "username"));
}
