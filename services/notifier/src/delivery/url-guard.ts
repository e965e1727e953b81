import type { LookupAddress } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { isPublicAddress } from "./address-policy.js";

/** Resolves a host name to every address it has (the `dns.lookup` view, as connections see it). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export const resolveWithDns: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface UrlGuardOptions {
  /** `ALLOW_PRIVATE_WEBHOOK_URLS`: development and tests only. */
  allowPrivate: boolean;
  resolve?: ResolveHost;
}

export class UrlRefusedError extends Error {
  readonly code = "url_refused";
}

/**
 * Decides whether a webhook URL may be called: http(s), no credentials, and (unless private
 * addresses are allowed) a host whose every address is public. Checked when a subscription is
 * saved; the delivery agent checks again at connect time (DNS may have changed since), see
 * `guardedConnector`.
 */
export class UrlGuard {
  readonly allowPrivate: boolean;
  private readonly resolve: ResolveHost;

  constructor(options: UrlGuardOptions) {
    this.allowPrivate = options.allowPrivate;
    this.resolve = options.resolve ?? resolveWithDns;
  }

  /** Throws {@link UrlRefusedError} with a message fit for an API client. */
  async check(raw: string): Promise<URL> {
    const url = this.parse(raw);
    await this.addressesOf(url.hostname);
    return url;
  }

  /** Syntax-only checks (scheme, credentials, host). */
  parse(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new UrlRefusedError("must be an absolute http or https URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new UrlRefusedError("must use http or https");
    if (url.username !== "" || url.password !== "") throw new UrlRefusedError("must not carry credentials");
    if (url.hostname === "") throw new UrlRefusedError("must name a host");
    return url;
  }

  /**
   * The addresses a connection to `hostname` may use, all checked. An IP literal is checked as
   * is; a name is resolved and refused if any of its addresses is not public (a name that mixes
   * public and private addresses is a rebinding trick, not a configuration).
   */
  async addressesOf(hostname: string): Promise<LookupAddress[]> {
    const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
    const family = isIP(bare);
    let addresses: LookupAddress[];
    if (family !== 0) {
      addresses = [{ address: bare, family }];
    } else {
      try {
        addresses = await this.resolve(bare);
      } catch {
        throw new UrlRefusedError(`host ${bare} does not resolve`);
      }
      if (addresses.length === 0) throw new UrlRefusedError(`host ${bare} does not resolve`);
    }
    for (const { address } of addresses) this.assertAllowed(address);
    return addresses;
  }

  /**
   * Throws {@link UrlRefusedError} unless a connection may go to `address` (any spelling of an
   * IP address). The delivery agent calls it once more with the address a socket actually
   * connected to.
   */
  assertAllowed(address: string): void {
    if (this.allowPrivate || isPublicAddress(address)) return;
    throw new UrlRefusedError(
      `address ${address} is private, loopback, link-local or reserved (allowed only with ALLOW_PRIVATE_WEBHOOK_URLS=true)`,
    );
  }
}
