// The recorded exchanges with Mailcow's real PHP (tag 2026-07a) in fixtures/, as the replay tests read them.
import { readFileSync } from "node:fs";
import { z } from "zod";

export const ExchangeSchema = z.object({
  label: z.string(),
  method: z.string(),
  path: z.string(),
  req_headers: z.record(z.string(), z.string()),
  req_body: z.string().nullable(),
  status: z.number().int(),
  ctype: z.string(),
  body: z.string(),
  note: z.string().nullable().optional(),
  resp_headers: z.array(z.tuple([z.string(), z.string()])).optional(),
});
export type Exchange = z.infer<typeof ExchangeSchema>;

/** The exchanges of these fixture files, in recording order. */
export function loadExchanges(...files: string[]): Exchange[] {
  return files.flatMap((file) =>
    z.array(ExchangeSchema).parse(JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), "utf8"))),
  );
}
