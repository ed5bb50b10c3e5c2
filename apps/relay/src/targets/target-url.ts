/**
 * Target hosts the relay can never reach from Cloudflare's network: loopback, private,
 * link-local and other non-public addresses, and names reserved for local use. Such a target
 * would only ever fail (or, worse, reach something it should not), so production refuses it.
 *
 * The check runs on the hostname of the WHATWG-parsed URL: the parser has already turned every
 * spelling of an IPv4 address (2130706433, 0x7f.1, 0177.0.0.1, 127.1, fullwidth digits, a
 * trailing dot) into dotted decimal and every IPv6 literal into its compressed hex form, so
 * only canonical forms need classifying here. Names are not resolved.
 */

/** IPv4 ranges as [first address, prefix length, what it is]. */
const IPV4_RANGES: readonly [number, number, string][] = [
  [ipv4(0, 0, 0, 0), 8, "an unspecified (0.0.0.0/8) address"],
  [ipv4(10, 0, 0, 0), 8, "a private (10.0.0.0/8) address"],
  [ipv4(100, 64, 0, 0), 10, "a shared address space (100.64.0.0/10) address"],
  [ipv4(127, 0, 0, 0), 8, "a loopback (127.0.0.0/8) address"],
  [ipv4(169, 254, 0, 0), 16, "a link-local (169.254.0.0/16) address"],
  [ipv4(172, 16, 0, 0), 12, "a private (172.16.0.0/12) address"],
  [ipv4(192, 168, 0, 0), 16, "a private (192.168.0.0/16) address"],
  [ipv4(224, 0, 0, 0), 4, "a multicast (224.0.0.0/4) address"],
  [ipv4(240, 0, 0, 0), 4, "a reserved (240.0.0.0/4) address"],
];

/** Names that only ever resolve on the operator's own machine or network. */
const LOCAL_SUFFIXES = ["localhost", "local", "internal", "home.arpa"];

/**
 * What kind of unreachable host `hostname` (as `new URL(...).hostname` gives it) is, as a
 * phrase for an error message, or null for a host that may be public.
 */
export function unreachableHost(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.+$/, "");
  if (host.startsWith("[") && host.endsWith("]")) return ipv6Kind(host.slice(1, -1));
  const v4 = parseIPv4(host);
  if (v4 !== null) return ipv4Kind(v4);
  const suffix = LOCAL_SUFFIXES.find((s) => host === s || host.endsWith(`.${s}`));
  return suffix ? `a name reserved for local networks (.${suffix})` : null;
}

function ipv4Kind(address: number): string | null {
  for (const [first, bits, kind] of IPV4_RANGES) {
    if (address >>> (32 - bits) === first >>> (32 - bits)) return kind;
  }
  return null;
}

function ipv6Kind(text: string): string | null {
  const g = parseIPv6(text);
  // The URL parser accepted it, so this cannot happen; refusing is the safe answer if it does.
  if (g === null) return "an IPv6 address the relay cannot classify";
  const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
  const embedded = (((g[6] as number) << 16) | (g[7] as number)) >>> 0;
  if (zeros(8)) return "the unspecified IPv6 address (::)";
  if (zeros(7) && g[7] === 1) return "the IPv6 loopback address (::1)";
  // IPv4-mapped, IPv4-compatible, IPv4-translated and NAT64 forms all carry an IPv4
  // address in their last 32 bits, and reach whatever that address reaches.
  const carriesIPv4 =
    (zeros(5) && g[5] === 0xffff) ||
    zeros(6) ||
    (zeros(4) && g[4] === 0xffff && g[5] === 0) ||
    (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0));
  if (carriesIPv4) {
    const kind = ipv4Kind(embedded);
    return kind ? `an IPv6 form of ${kind}` : null;
  }
  const head = g[0] as number;
  if ((head & 0xfe00) === 0xfc00) return "a unique local (fc00::/7) IPv6 address";
  if ((head & 0xffc0) === 0xfe80) return "a link-local (fe80::/10) IPv6 address";
  if ((head & 0xffc0) === 0xfec0) return "a site-local (fec0::/10) IPv6 address";
  if ((head & 0xff00) === 0xff00) return "a multicast (ff00::/8) IPv6 address";
  return null;
}

function ipv4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** Dotted decimal only: the URL parser has already normalized every other spelling. */
function parseIPv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  const [a, b, c, d] = parts as [number, number, number, number];
  return ipv4(a, b, c, d);
}

/** The eight 16-bit groups of an IPv6 address, or null when it is not one. */
function parseIPv6(text: string): number[] | null {
  let body = text;
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted) {
    const v4 = parseIPv4(dotted[2] as string);
    if (v4 === null) return null;
    body = `${dotted[1]}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(missing).fill("0"), ...tail];
  if (!all.every((x) => /^[0-9a-f]{1,4}$/.test(x))) return null;
  return all.map((x) => Number.parseInt(x, 16));
}
