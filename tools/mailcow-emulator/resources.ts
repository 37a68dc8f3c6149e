// Every emulated Mailcow resource, once. A new json_api.php category is a new file exporting a Resource, listed here.
import { aliasResource } from "./alias-api";
import { appPasswordResource } from "./app-passwd-api";
import { domainResource } from "./domain-api";
import { filterResource } from "./filter-api";
import { mailboxResource } from "./mailbox-api";
import { passdbResource } from "./passdb";
import { policyResource, statusResource } from "./policy-api";
import type { Resource } from "./resource";
import { senderAclResource } from "./sender-acl";
import { spamScoreResource } from "./spam-score-api";
import { timeLimitedAliasResource } from "./time-limited-alias-api";

export const RESOURCES: readonly Resource[] = [
  domainResource,
  mailboxResource,
  aliasResource,
  senderAclResource,
  filterResource,
  appPasswordResource,
  passdbResource,
  timeLimitedAliasResource,
  spamScoreResource,
  policyResource,
  statusResource,
];

type Action = "add" | "edit" | "delete" | "get";

/** The handler of one action and category, or undefined ("route not found"). */
export function handlerFor<A extends Action>(action: A, category: string | undefined): NonNullable<Resource[A]>[string] | undefined {
  if (category === undefined) return undefined;
  for (const resource of RESOURCES) {
    const handlers = resource[action];
    if (handlers && Object.hasOwn(handlers, category)) return handlers[category] as NonNullable<Resource[A]>[string];
  }
  return undefined;
}
