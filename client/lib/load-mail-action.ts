// The Mail page's submit handling (routes/mail-action.ts) brings zod and the shared schemas, about 25 kB
// gzip, so it is its own chunk: loaded on the first submit, or as soon as a password field gets focus.
export function loadMailAction() {
  return import("../routes/mail-action");
}
