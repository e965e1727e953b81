import { BlockList, isIP } from "node:net";

/**
 * Which IP addresses a webhook may reach. Subscriptions are created by operators, but a URL is
 * still attacker-shaped input (a compromised back office, a DNS name that later points inward):
 * without this, the notifier could be made to POST into the private network (SSRF).
 *
 * Judged on the address, never on its spelling: compressed or not, upper or lower case, the last
 * 32 bits in hex or dotted, with or without a zone id (`%eth0` names an interface, not another
 * address), one address gets one answer. Ranges follow IANA's IPv4 and IPv6 Special-Purpose
 * Address Registries; each IPv6 range is decided below, with the reason.
 */
const blockedV4 = new BlockList();
// IPv4: "this network", private, CGNAT, loopback, link-local, IETF protocol (NAT64/DS-Lite
// discovery among them), documentation, the deprecated 6to4 relay anycast (it forwards into
// 2002::/16, refused below), benchmarking, multicast, reserved and broadcast.
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blockedV4.addSubnet(net, prefix, "ipv4");
}

// A separate list: a BlockList also matches IPv4 addresses against IPv6 rules (as ::ffff:a.b.c.d),
// and ::/3 below would then refuse every IPv4 address.
const blockedV6 = new BlockList();
for (const [net, prefix] of [
  // Everything outside 2000::/3, the only block IANA allocates for global unicast. This refuses,
  // among others: :: and ::1; ::/96 IPv4-compatible (deprecated; `::127.0.0.1` reaches 127.0.0.1
  // through an automatic tunnel where one is configured); 64:ff9b:1::/48 local-use NAT64
  // (RFC 8215: a translator inside the operator's network, into its private IPv4 space);
  // 100::/64 discard and 100:0:0:1::/64 dummy; 5f00::/16 SRv6 SIDs; fc00::/7 unique-local;
  // fe80::/10 link-local; fec0::/10 site-local; ff00::/8 multicast; and whatever is unassigned.
  // The three embedded-IPv4 forms judged by their IPv4 address are taken out before this list.
  ["::", 3],
  ["4000::", 2],
  ["8000::", 1],
  // 2001::/23, IETF protocol assignments: Teredo 2001::/32 (embeds, bit-inverted, the IPv4
  // address of a client behind a NAT, reached through a relay), PCP/TURN/DNS-SD anycast
  // 2001:1::/48, benchmarking 2001:2::/48, AMT 2001:3::/32, AS112 2001:4:112::/48, ORCHID
  // 2001:10::/28 and ORCHIDv2 2001:20::/28 (identifiers, not locators), drone remote ID
  // 2001:30::/28. None is a web server; RIR allocations start at 2001:200::.
  ["2001::", 23],
  // Documentation.
  ["2001:db8::", 32],
  ["3fff::", 20],
  // 6to4 (deprecated by RFC 7526): 2002:AABB:CCDD::/48 is the IPv4 address AA.BB.CC.DD reached
  // through a 6to4 relay, so 2002:7f00:1:: is 127.0.0.1 and 2002:a00:1:: is 10.0.0.1.
  ["2002::", 16],
  // Allowed on purpose: 2620:4f:8000::/48 (AS112 direct delegation) is globally routed DNS.
] as const) {
  blockedV6.addSubnet(net, prefix, "ipv6");
}

/** The eight 16-bit groups of a valid IPv6 address (zone id already removed). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16));
}

/**
 * The IPv4 address that an IPv6 address stands for, judged as that IPv4 address: IPv4-mapped
 * `::ffff:0:0/96` (a dual-stack socket connects to the IPv4 address itself), IPv4-translated
 * `::ffff:0:0:0/96` (RFC 2765) and the well-known NAT64 prefix `64:ff9b::/96` (RFC 6052: any
 * NAT64 gateway on the path connects to the embedded address, private or not).
 */
function embeddedIpv4(g: number[]): string | undefined {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  const mapped = zeroUpTo(5) && g[5] === 0xffff;
  const translated = zeroUpTo(4) && g[4] === 0xffff && g[5] === 0;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (!mapped && !translated && !nat64) return undefined;
  const hi = g[6] as number;
  const lo = g[7] as number;
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True for an address on the public internet; false for private, loopback, link-local, multicast, … */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blockedV4.check(address, "ipv4");
  if (family !== 6) return false;
  const zone = address.indexOf("%");
  const bare = zone === -1 ? address : address.slice(0, zone);
  const v4 = embeddedIpv4(ipv6Groups(bare));
  if (v4 !== undefined) return !blockedV4.check(v4, "ipv4");
  return !blockedV6.check(bare, "ipv6");
}
