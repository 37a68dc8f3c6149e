// The key a client address is counted under in rate limits and the argon2 queue. One person usually owns a whole
// IPv6 /64 (providers hand out /64 or larger), so counting single IPv6 addresses would give them 2^64 budgets;
// an IPv4 address seen through a dual-stack socket (::ffff:203.0.113.7) is the same client as 203.0.113.7.
import ipaddr from "ipaddr.js";

export function clientKey(ip: string): string {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() turns IPv4-mapped IPv6 into IPv4.
    address = ipaddr.process(ip.trim().replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  } catch {
    return `raw:${ip}`;
  }
  if (address.kind() === "ipv4") return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(":")}::/64`;
}
