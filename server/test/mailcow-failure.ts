// The MailcowError a promise rejects with; the test fails when it resolves or rejects with anything else.
import { expect } from "vitest";
import { MailcowError } from "../mailcow";

export async function mailcowFailure(promise: Promise<unknown>): Promise<MailcowError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailcowError);
  return error as MailcowError;
}
