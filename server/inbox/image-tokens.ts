// Short-lived tokens for the images inside a message document (the sandboxed iframe sends no session cookie).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Tokens for the images inside a message: the iframe's document has an opaque origin (sandbox without
 * allow-same-origin), so its image requests carry no SameSite=Lax session cookie. A token names the user, folder and
 * message, expires after an hour, and opens inline raster images of that message only. The key lives in memory:
 * a restart invalidates open tokens (the page asks for the message again).
 */
export function createImageTokens(now: () => number, key: Buffer = randomBytes(32)) {
  const TTL_MS = 3_600_000;
  const mac = (payload: string) => createHmac("sha256", key).update(payload).digest("base64url");
  return {
    sign(userId: string, folder: string, uid: number): string {
      const expires = Math.floor((now() + TTL_MS) / 1000);
      return `${expires}.${mac(`${userId}\n${folder}\n${uid}\n${expires}`)}.${Buffer.from(userId).toString("base64url")}`;
    },
    /** The user id the token was made for, or null (expired, forged, another message). */
    verify(token: string, folder: string, uid: number): string | null {
      const [expiresText, given, user] = token.split(".");
      if (!expiresText || !given || !user || !/^\d+$/.test(expiresText)) return null;
      const expires = Number(expiresText);
      if (expires * 1000 < now()) return null;
      const userId = Buffer.from(user, "base64url").toString("utf8");
      const expected = Buffer.from(mac(`${userId}\n${folder}\n${uid}\n${expires}`));
      const actual = Buffer.from(given);
      return expected.length === actual.length && timingSafeEqual(expected, actual) ? userId : null;
    },
  };
}

export type ImageTokens = ReturnType<typeof createImageTokens>;
