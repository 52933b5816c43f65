/**
 * SSRF guard for webhook URLs. A webhook URL must be https and every address its host resolves to must be public:
 * no loopback, private, shared (CGNAT), link-local, metadata, multicast or reserved ranges, in IPv4, IPv6 or IPv4
 * embedded in IPv6 (mapped, compatible, NAT64, 6to4). Checked at registration and again at every delivery after DNS
 * resolution; the delivery then connects to the very address that was checked (see sender.ts), so a DNS answer that
 * changes in between (rebinding) cannot steer it elsewhere. `MAITRE_WEBHOOK_ALLOW_PRIVATE` lifts both the scheme and
 * the address rules (local development, tests).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (injectable: tests answer with chosen addresses). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const all = await dnsLookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

type V4Range = [base: number, bits: number, label: string];

const v4 = (text: string): number => text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);

const V4_BLOCKED: V4Range[] = [
  [v4('0.0.0.0'), 8, 'a "this network" address'],
  [v4('10.0.0.0'), 8, 'a private address'],
  [v4('100.64.0.0'), 10, 'a shared (CGNAT) address'],
  [v4('127.0.0.0'), 8, 'a loopback address'],
  [v4('169.254.169.254'), 32, 'the cloud metadata address'],
  [v4('169.254.0.0'), 16, 'a link-local address'],
  [v4('172.16.0.0'), 12, 'a private address'],
  [v4('192.0.0.0'), 24, 'an IETF protocol address'],
  [v4('192.0.2.0'), 24, 'a documentation address'],
  [v4('192.88.99.0'), 24, 'a 6to4 relay address'],
  [v4('192.168.0.0'), 16, 'a private address'],
  [v4('198.18.0.0'), 15, 'a benchmarking address'],
  [v4('198.51.100.0'), 24, 'a documentation address'],
  [v4('203.0.113.0'), 24, 'a documentation address'],
  [v4('224.0.0.0'), 4, 'a multicast address'],
  [v4('240.0.0.0'), 4, 'a reserved address'],
];

function blockedV4(n: number): string | null {
  for (const [base, bits, label] of V4_BLOCKED) {
    const size = 2 ** (32 - bits);
    if (n >= base && n < base + size) return label;
  }
  return null;
}

/** The 8 16-bit groups of an IPv6 address (with an embedded dotted IPv4 tail expanded). */
function v6Groups(text: string): number[] {
  let s = text.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const n = v4(dotted[1]);
    s = s.slice(0, -dotted[1].length) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : new Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

const FD00_EC2 = [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x254];

function blockedV6(text: string): string | null {
  const g = v6Groups(text);
  const embedded = (hi: number, lo: number) => blockedV4(hi * 65536 + lo);
  if (g.every((x) => x === 0)) return 'the unspecified address';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'a loopback address';
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return embedded(g[6], g[7]) ?? null; // ::ffff:a.b.c.d
  if (g.slice(0, 6).every((x) => x === 0)) return embedded(g[6], g[7]) ?? 'an IPv4-compatible address'; // ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return embedded(g[6], g[7]); // NAT64
  if (g[0] === 0x2002) return embedded(g[1], g[2]); // 6to4
  if (g.every((x, i) => x === FD00_EC2[i])) return 'the cloud metadata address';
  if ((g[0] & 0xfe00) === 0xfc00) return 'a unique local (private) address';
  if ((g[0] & 0xffc0) === 0xfe80) return 'a link-local address';
  if ((g[0] & 0xffc0) === 0xfec0) return 'a site-local address';
  if ((g[0] & 0xff00) === 0xff00) return 'a multicast address';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'a documentation address';
  if (g[0] === 0x0100 && g.slice(1, 4).every((x) => x === 0)) return 'a discard address';
  return null;
}

/** Why an IP address may not receive webhooks, or null when it is a public address. */
export function blockedAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return blockedV4(v4(address));
  if (family === 6) return blockedV6(address);
  return 'not an IP address';
}

export interface UrlPolicy {
  allowPrivate: boolean;
  resolve?: Resolver;
}

/** Parses and checks the form of a webhook URL (no DNS): scheme, no credentials, a host. */
export function parseWebhookUrl(text: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UnsafeUrlError('is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new UnsafeUrlError(allowPrivate ? 'must use https (or http)' : 'must use https');
  }
  if (url.username || url.password) throw new UnsafeUrlError('must not contain credentials; verify the signature instead');
  if (!url.hostname) throw new UnsafeUrlError('has no host');
  return url;
}

const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

/**
 * Resolves the URL's host and checks every address; returns them (the first one is the one to connect to).
 * Throws UnsafeUrlError with a message fit for a validation issue.
 */
export async function resolveWebhookTarget(url: URL, policy: UrlPolicy): Promise<ResolvedAddress[]> {
  const host = bare(url.hostname);
  const literal = isIP(host);
  let addresses: ResolvedAddress[];
  if (literal) {
    addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await (policy.resolve ?? systemResolver)(host);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UnsafeUrlError(`host "${host}" does not resolve${code ? ` (${code})` : ''}`);
    }
    if (addresses.length === 0) throw new UnsafeUrlError(`host "${host}" does not resolve`);
  }
  if (!policy.allowPrivate) {
    for (const a of addresses) {
      const reason = blockedAddressReason(a.address);
      if (reason) {
        throw new UnsafeUrlError(
          literal ? `points to ${reason} (${a.address})` : `host "${host}" resolves to ${reason} (${a.address})`,
        );
      }
    }
  }
  return addresses;
}

/** The registration check: form, then resolution and addresses. Returns the normalised URL. */
export async function vetWebhookUrl(text: string, policy: UrlPolicy): Promise<string> {
  const url = parseWebhookUrl(text, policy.allowPrivate);
  await resolveWebhookTarget(url, policy);
  return url.toString();
}
