// A start state from a JSON file (`npm run mailcow:emulator -- --seed <file.json>`, or the `seed` option): domains
// with their limits, alias domains, mailboxes, aliases, the password policy and the API keys. The format is in
// README.md ("Seed files"); a bad file is refused with every problem named, before anything is written.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { formatDateTime, type ApiContext } from "./api-context";
import { defaultAttributes, seedMailboxRow } from "./mailbox-api";
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from "./password";
import { asciiLower, isValidDomainName, isValidEmail } from "./php";

const API_KEY = /^[A-Za-z0-9-]+$/;
const domainName = z.string().trim().toLowerCase().refine(isValidDomainName, "not a valid domain name");
const address = z.string().trim().refine((value) => isValidEmail(asciiLower(value)), "not a valid address").transform(asciiLower);
const flag = z.union([z.literal(0), z.literal(1)]);
const ATTRIBUTE_FLAGS = [
  "force_pw_update", "force_tfa", "tls_enforce_in", "tls_enforce_out", "sogo_access", "imap_access", "pop3_access",
  "smtp_access", "sieve_access", "eas_access", "dav_access", "relayhost",
] as const;

const DomainSeed = z
  .object({
    domain: domainName,
    description: z.string().optional(),
    /** Limits as Mailcow's add/domain takes them: counts, and quotas in MiB. */
    mailboxes: z.number().int().min(0).default(10),
    aliases: z.number().int().min(0).default(400),
    defquota: z.number().int().min(1).default(3072),
    maxquota: z.number().int().min(1).default(10_240),
    quota: z.number().int().min(1).default(10_240),
    active: flag.default(1),
    tags: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .refine((d) => d.defquota <= d.maxquota, { message: "defquota must not exceed maxquota", path: ["defquota"] })
  .refine((d) => d.maxquota <= d.quota, { message: "maxquota must not exceed quota", path: ["maxquota"] });

const MailboxSeed = z
  .object({
    address,
    name: z.string().default(""),
    /** Plain text (hashed on load) or a pre-hashed "{BLF-CRYPT}…"/"{SSHA256}…" value; absent: nobody knows it. */
    password: z.string().min(1).optional(),
    /** MiB; the domain's defquota when absent. */
    quota: z.number().int().min(0).optional(),
    active: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
    tags: z.array(z.string().min(1)).default([]),
    /** Mailbox attribute flags as 0/1; absent ones take Mailcow's template defaults. */
    attributes: z
      .object(Object.fromEntries(ATTRIBUTE_FLAGS.map((name) => [name, flag.optional()])) as Record<(typeof ATTRIBUTE_FLAGS)[number], z.ZodOptional<typeof flag>>)
      .strict()
      .default({}),
  })
  .strict();

export const SeedSchema = z
  .object({
    domains: z.array(DomainSeed).default([]),
    aliasDomains: z.array(z.object({ aliasDomain: domainName, targetDomain: domainName, active: flag.default(1) }).strict()).default([]),
    mailboxes: z.array(MailboxSeed).default([]),
    aliases: z
      .array(
        z
          .object({
            address,
            goto: z.array(address).min(1),
            active: flag.default(1),
            senderAllowed: flag.default(0),
          })
          .strict(),
      )
      .default([]),
    passwordPolicy: z
      .object({
        length: z.number().int().min(3).default(DEFAULT_PASSWORD_POLICY.length),
        chars: flag.default(0),
        special_chars: flag.default(0),
        lowerupper: flag.default(0),
        numbers: flag.default(0),
      })
      .strict()
      .optional(),
    apiKeys: z
      .object({
        rw: z.string().regex(API_KEY, "API keys may only contain A-Z a-z 0-9 -"),
        ro: z.string().regex(API_KEY, "API keys may only contain A-Z a-z 0-9 -").nullable().optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((seed, issue) => {
    const domains = new Set(seed.domains.map((d) => d.domain));
    const aliasDomains = new Set(seed.aliasDomains.map((d) => d.aliasDomain));
    const taken = new Set<string>();
    const claim = (name: string, path: (string | number)[]) => {
      if (taken.has(name)) issue.addIssue({ code: "custom", message: `${name} is defined twice`, path });
      taken.add(name);
    };
    seed.domains.forEach((d, i) => claim(d.domain, ["domains", i, "domain"]));
    seed.aliasDomains.forEach((d, i) => {
      claim(d.aliasDomain, ["aliasDomains", i, "aliasDomain"]);
      if (!domains.has(d.targetDomain)) issue.addIssue({ code: "custom", message: `target domain ${d.targetDomain} is not in domains`, path: ["aliasDomains", i, "targetDomain"] });
    });
    const addresses = new Set<string>();
    const claimAddress = (value: string, path: (string | number)[]) => {
      if (addresses.has(value)) issue.addIssue({ code: "custom", message: `${value} is defined twice`, path });
      addresses.add(value);
    };
    seed.mailboxes.forEach((m, i) => {
      claimAddress(m.address, ["mailboxes", i, "address"]);
      const domain = m.address.slice(m.address.indexOf("@") + 1);
      if (!domains.has(domain)) issue.addIssue({ code: "custom", message: `domain ${domain} is not in domains`, path: ["mailboxes", i, "address"] });
    });
    seed.aliases.forEach((a, i) => {
      claimAddress(a.address, ["aliases", i, "address"]);
      const domain = a.address.slice(a.address.indexOf("@") + 1);
      if (!domains.has(domain) && !aliasDomains.has(domain)) {
        issue.addIssue({ code: "custom", message: `domain ${domain} is neither in domains nor in aliasDomains`, path: ["aliases", i, "address"] });
      }
    });
  });

export type Seed = z.output<typeof SeedSchema>;
export type SeedInput = z.input<typeof SeedSchema>;

/** Parses a seed (already-decoded JSON), or throws one Error listing every problem with its path. */
export function parseSeed(data: unknown, source = "seed"): Seed {
  const result = SeedSchema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${issue.path.length ? issue.path.join(".") : "(top level)"}: ${issue.message}`);
  throw new Error(`The ${source} is not a valid emulator seed:\n${problems.join("\n")}`);
}

export function readSeedFile(path: string): Seed {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`The seed file ${path} cannot be read: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`The seed file ${path} is not JSON: ${(error as Error).message}`);
  }
  return parseSeed(data, `seed file ${path}`);
}

/** Writes the seed's objects into an empty store (no limit checks: they "already existed"). */
export function applySeed(ctx: ApiContext, seed: Seed, hashPassword: (password: string) => string, randomPassword: () => string): void {
  const now = formatDateTime(new Date());
  ctx.store.transaction(() => {
    for (const d of seed.domains) {
      ctx.store.insertDomain({
        domain: d.domain,
        description: d.description ?? d.domain,
        aliases: d.aliases,
        mailboxes: d.mailboxes,
        defquota: d.defquota,
        maxquota: d.maxquota,
        quota: d.quota,
        backupmx: 0,
        gal: 1,
        relay_all_recipients: 0,
        relay_unknown_only: 0,
        active: d.active,
        created: now,
        modified: null,
      });
      for (const tag of d.tags) ctx.store.addDomainTag(d.domain, tag);
    }
    for (const a of seed.aliasDomains) {
      ctx.store.insertAliasDomain({ alias_domain: a.aliasDomain, target_domain: a.targetDomain, active: a.active, created: now, modified: null });
    }
    for (const m of seed.mailboxes) {
      const at = m.address.indexOf("@");
      const domain = m.address.slice(at + 1);
      seedMailboxRow(ctx, {
        localPart: m.address.slice(0, at),
        domain,
        name: m.name,
        quotaMiB: m.quota ?? ctx.store.getDomain(domain)?.defquota ?? 0,
        passwordHash: hashPassword(m.password ?? randomPassword()),
        active: m.active,
        tags: m.tags,
        attributes: defaultAttributes(now, m.attributes),
      });
    }
    for (const a of seed.aliases) {
      ctx.store.insertAlias({
        address: a.address,
        goto: a.goto.join(","),
        domain: a.address.slice(a.address.indexOf("@") + 1),
        public_comment: null,
        private_comment: null,
        sogo_visible: 1,
        internal: 0,
        sender_allowed: a.senderAllowed,
        active: a.active,
        created: now,
        modified: null,
      });
    }
  });
  if (seed.passwordPolicy) ctx.setPolicy(seed.passwordPolicy as PasswordPolicy);
}
