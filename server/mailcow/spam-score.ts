// Per-mailbox spam thresholds (rspamd, Mailcow 2026-07a): `get/spam-score/<mailbox>` → {"score":"low,high"}
// (Mailcow's default when none is set: rspamd's, "5,15" in the recordings); `edit/spam-score` stores "low,high"
// (equal values become high + 0.1) or deletes it with "default". A malformed value is refused with an English
// sentence instead of a key: reported here as messageKey `spam_score_invalid`.
import type { MailcowCore } from "./core";
import { MailcowError } from "./errors";
import { SpamScoreSchema, type SpamScore } from "./schemas";
import { assertEmail } from "./validate";

function assertScore(score: SpamScore): string {
  const { low, high } = score ?? {};
  if (typeof low !== "number" || typeof high !== "number" || !Number.isFinite(low) || !Number.isFinite(high) || low < 0) {
    throw new RangeError("spam score low and high must be finite numbers, 0 or more");
  }
  // NOTE: Mailcow accepts low > high and stores it as given.
  if (low > high) throw new RangeError("spam score low must not exceed high");
  return `${low},${high}`;
}

export function spamScoreMethods(core: MailcowCore) {
  return {
    /** The mailbox's thresholds (Mailcow's default when none is set); null for an unknown mailbox. */
    async getSpamScore(email: string): Promise<SpamScore | null> {
      const mailbox = assertEmail(email, "mailbox");
      return core.readOne("getSpamScore", `get/spam-score/${mailbox}`, SpamScoreSchema);
    },

    /** Sets the thresholds, or with "default" removes the mailbox's own so Mailcow's default applies. */
    async setSpamScore(email: string, score: SpamScore | "default"): Promise<void> {
      const mailbox = assertEmail(email, "mailbox");
      const value = score === "default" ? "default" : assertScore(score);
      try {
        await core.write("setSpamScore", "edit/spam-score", { items: [mailbox], attr: { spam_score: value } }, {
          successKey: "mailbox_modified",
          expected: [mailbox],
        });
      } catch (error) {
        if (error instanceof MailcowError && error.kind === "rejected" && error.messageKey && /\s/.test(error.messageKey)) {
          throw new MailcowError("rejected", `Mailcow refused setSpamScore: spam_score_invalid`, {
            operation: "setSpamScore",
            status: 200,
            messageKey: "spam_score_invalid",
          });
        }
        throw error;
      }
    },
  };
}
