import { describe, expect, it } from "vitest";
import { isPublicAddress } from "./address-policy.js";

// Every spelling of one address gets one answer: compressed or not, leading zeros, upper case,
// the last 32 bits dotted or in hex, a zone id. The spellings are written out by hand, not
// produced by the code under test.
const refused: Record<string, string[]> = {
  "IPv4-compatible loopback (::/96, deprecated)": [
    "::127.0.0.1",
    "::7f00:1",
    "0:0:0:0:0:0:7f00:1",
    "0000:0000:0000:0000:0000:0000:127.0.0.1",
    "::7F00:1",
    "::7f00:1%eth0",
  ],
  "IPv4-compatible form of a public address": ["::8.8.8.8", "::808:808", "0:0:0:0:0:0:808:808"],
  "6to4 of 127.0.0.1 (2002::/16)": ["2002:7f00:1::", "2002:7f00:0001:0:0:0:0:0", "2002:7F00:1::1", "2002:7f00:1::%lo"],
  "6to4 of a public address": ["2002:808:808::1", "2002:0808:0808:0000:0000:0000:0000:0001"],
  "local-use NAT64 (64:ff9b:1::/48)": [
    "64:ff9b:1::a00:1",
    "64:ff9b:1::10.0.0.1",
    "0064:ff9b:0001:0000:0000:0000:0a00:0001",
    "64:FF9B:1::A00:1",
    "64:ff9b:1:ffff::808:808",
  ],
  "well-known NAT64 of 127.0.0.1": ["64:ff9b::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b:0:0:0:0:7f00:1", "0064:FF9B:0000:0000:0000:0000:127.0.0.1"],
  "Teredo (2001::/32)": ["2001::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:0000:4136:E378:8000:63BF:3FFF:FDD2"],
  "IETF protocol assignments (2001::/23)": ["2001:1::1", "2001:2::1", "2001:3::1", "2001:4:112::1", "2001:1ff::1"],
  "ORCHID and ORCHIDv2": ["2001:10::1", "2001:20::1", "2001:2f:ffff::1"],
  "documentation (3fff::/20)": ["3fff::1", "3FFF:0FFF::1"],
  "IPv4-translated (::ffff:0:0:0/96) of 10.0.0.1": ["::ffff:0:a00:1", "::ffff:0:10.0.0.1", "0:0:0:0:ffff:0:a00:1"],
  "IPv4-mapped loopback": ["::ffff:127.0.0.1", "::ffff:7f00:1", "0:0:0:0:0:ffff:7f00:1", "::FFFF:127.0.0.1", "::ffff:127.0.0.1%lo"],
  "SRv6 SIDs (5f00::/16)": ["5f00::1"],
  "dummy prefix (100:0:0:1::/64)": ["100:0:0:1::1"],
  "6to4 relay anycast (192.88.99.0/24)": ["192.88.99.1"],
  loopback: ["::1", "0:0:0:0:0:0:0:1", "::1%lo", "127.0.0.1"],
  "link-local": ["fe80::1", "fe80::1%eth0", "FE80:0:0:0:0:0:0:1", "169.254.169.254"],
  "zone id on an IPv4 address (not an address)": ["127.0.0.1%lo", "8.8.8.8%eth0"],
  "existing ranges": [
    "10.0.0.1",
    "172.16.5.4",
    "192.168.0.1",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:10.0.0.1",
    "2001:db8::1",
    "not-an-ip",
  ],
};

const allowed: Record<string, string[]> = {
  "public IPv4": ["93.184.215.14", "8.8.8.8"],
  "public IPv6": ["2606:4700:4700::1111", "2606:4700:4700:0:0:0:0:1111", "2606:4700:4700:0000:0000:0000:0000:1111", "2606:4700:4700::1111%eth0", "2606:4700:4700::0.0.17.17"],
  "IPv4-mapped public address": ["::ffff:8.8.8.8", "::ffff:808:808", "0:0:0:0:0:ffff:808:808", "::FFFF:8.8.8.8"],
  "well-known NAT64 of a public address": ["64:ff9b::8.8.8.8", "64:ff9b::808:808", "64:ff9b:0:0:0:0:808:808", "64:FF9B::808:808"],
  "first RIR allocation after 2001::/23": ["2001:200::1"],
  "AS112 direct delegation (globally routed)": ["2620:4f:8000::1"],
};

const rows = (table: Record<string, string[]>) =>
  Object.entries(table).flatMap(([range, spellings]) => spellings.map((address) => [range, address] as const));

describe("isPublicAddress", () => {
  it.each(rows(refused))("refuses %s: %s", (_range, address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(rows(allowed))("allows %s: %s", (_range, address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});
