import type { PublicUser } from "../../shared/schemas/auth";
import { queryClient, queryUtils } from "../trpc";

/**
 * After sign-in or sign-up: nothing cached for a previous user survives, and `auth.me` is set from the
 * answer itself (no extra request), so the app layout's loader finds the new user at once.
 */
export function rememberSignedIn(user: PublicUser): void {
  queryClient.clear();
  queryUtils.auth.me.setData(undefined, user);
}

/** After sign-out: drop everything; the next `auth.me` asks the server. */
export function forgetSession(): void {
  queryClient.clear();
}
