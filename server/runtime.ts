// The Node releases the platform supports. Node 20 reached its end of life on 2026-04-30: it still runs the platform
// (`engines` in package.json), but gets no security fixes; 22 and 24 are LTS lines.
const END_OF_LIFE: Record<number, string> = { 18: "2025-04-30", 20: "2026-04-30" };

/** A one-line warning for a Node release past its end of life, or null. */
export function endOfLifeWarning(version: string): string | null {
  const major = Number(version.split(".")[0]);
  const date = END_OF_LIFE[major];
  if (!date) return null;
  return `Warning: Node ${version} reached its end of life on ${date} and gets no security fixes; run Platform Mail on Node 22 or 24 LTS.`;
}
