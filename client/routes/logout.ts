// Sign-out is a form post to /logout (works with the keyboard, shows progress via useNavigation).
// If the server cannot be reached the error boundary says so: pretending to be signed out would be a lie.
import { redirect } from "react-router";
import { forgetSession } from "../lib/session";
import { trpcClient } from "../trpc";

export async function action() {
  await trpcClient.auth.logout.mutate();
  forgetSession();
  return redirect("/login");
}

export function loader() {
  return redirect("/");
}
