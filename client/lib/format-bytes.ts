// "12,3 МБ" / "1 GB": storage sizes in the reader's language. Binary multiples, as Mailcow counts quota.
const UNITS = [
  ["gigabyte", 1024 ** 3],
  ["megabyte", 1024 ** 2],
  ["kilobyte", 1024],
] as const;

export function formatBytes(bytes: number, formatNumber: (value: number, options?: Intl.NumberFormatOptions) => string): string {
  // Below 1 kB still in kB ("0 kB", "0.5 kB"): "byte" reads oddly in a quota line.
  const [unit, size] = UNITS.find(([, size]) => bytes >= size) ?? UNITS[2];
  return formatNumber(bytes / size, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: bytes / size < 10 ? 1 : 0 });
}
