import { encode } from "uqr";

/** A QR code drawn here (uqr), as SVG: the secret never goes to a third-party QR service. */
export function QrCode({ value, label, testId = "totp-qr" }: { value: string; label: string; testId?: string }) {
  const { data, size } = encode(value, { ecc: "M", border: 2 });
  let path = "";
  data.forEach((row, y) => row.forEach((dark, x) => dark && (path += `M${x} ${y}h1v1h-1z`)));
  return (
    <svg role="img" aria-label={label} viewBox={`0 0 ${size} ${size}`} className="size-44 rounded-lg bg-white ring-1 ring-gray-200" shapeRendering="crispEdges" data-testid={testId}>
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#111827" />
    </svg>
  );
}
