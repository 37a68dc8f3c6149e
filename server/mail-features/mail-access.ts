// The mail-access features (aliases, app passwords, phone set-up) over a server's services, built once per
// database (procedures get a fresh context object per request, the services inside stay the same).
import type { Services } from "../services";
import { createAliases } from "./aliases";
import { createAppPasswords } from "./app-passwords";
import { createDeviceSetup } from "./device-setup";

type MailAccessServices = Pick<Services, "config" | "db" | "mailcow" | "mailboxes" | "accounts" | "mailDomain" | "now">;

function build(services: MailAccessServices) {
  const aliases = createAliases(services);
  const appPasswords = createAppPasswords(services);
  const deviceSetup = createDeviceSetup({ ...services, appPasswords, findAccount: (userId) => services.accounts.findById(userId) });
  return { aliases, appPasswords, deviceSetup };
}
export type MailAccess = ReturnType<typeof build>;

const built = new WeakMap<object, MailAccess>();

export function mailAccessOf(services: MailAccessServices): MailAccess {
  let features = built.get(services.db);
  if (!features) {
    features = build(services);
    built.set(services.db, features);
  }
  return features;
}
