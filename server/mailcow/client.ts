// Every Mailcow request goes through createMailcowClient(). The shared plumbing (transport, auth pause, reading one
// object or a list, the write rule) is core.ts; each resource's operations live in their own file and are composed
// here into one client object. Operations validate what we send, parse what comes back with zod, and turn anything
// unexpected into a MailcowError (see errors.ts for the kinds).
import { aliasMethods } from "./aliases";
import { appPasswordMethods } from "./app-passwords";
import type { AuthStatus } from "./auth-gate";
import { createMailcowCore, type MailcowConfig } from "./core";
import { domainMethods } from "./domains";
import { filterMethods } from "./filters";
import { mailboxMethods } from "./mailboxes";
import { timeLimitedAliasMethods } from "./time-limited-aliases";
import { spamScoreMethods } from "./spam-score";
import { PasswordPolicySchema, VersionSchema, type MailcowVersion, type PasswordPolicy } from "./schemas";

export type { MailcowConfig } from "./core";
export type { DomainRoom } from "./domains";
export type { AddMailboxInput, AddMailboxResult, DeleteMailboxesResult, EditMailboxInput, ListMailboxesOptions } from "./mailboxes";
export type { AddAliasInput } from "./aliases";
export type { AddAppPasswordInput, EditAppPasswordInput } from "./app-passwords";
export type { AddTimeLimitedAliasInput } from "./time-limited-aliases";
export type { AddFilterInput, EditFilterInput } from "./filters";
export type { MailboxActiveInput } from "./validate";

export type MailcowClient = ReturnType<typeof createMailcowClient>;

export function createMailcowClient(config: MailcowConfig) {
  const core = createMailcowCore(config);
  return {
    /**
     * Whether Mailcow calls are paused because Mailcow answered 401 (wrong key, or this server's IP not allowed).
     * While paused every call fails at once with kind `unauthorized`, reason `paused`, without reaching Mailcow.
     */
    authStatus(): AuthStatus {
      return core.gate.status();
    },

    /** Mailcow's release (`/get/status/version`); works with the read-only key. A cheap liveness probe. */
    async getVersion(): Promise<MailcowVersion> {
      return core.readRequired("getVersion", "get/status/version", VersionSchema);
    },

    /** The live password policy (Mailcow answers every violation with the same `password_complexity`). */
    async getPasswordPolicy(): Promise<PasswordPolicy> {
      return core.readRequired("getPasswordPolicy", "get/passwordpolicy", PasswordPolicySchema);
    },

    ...domainMethods(core),
    ...mailboxMethods(core),
    ...aliasMethods(core),
    ...filterMethods(core),
    ...timeLimitedAliasMethods(core),
    ...appPasswordMethods(core),
    ...spamScoreMethods(core),
  };
}
