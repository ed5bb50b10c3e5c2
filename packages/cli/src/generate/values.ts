/**
 * Realistic values for generated callbacks: Bandwidth-shaped message ids (13-digit epoch
 * milliseconds + 16 lowercase alphanumerics), North American numbers in the 555-01xx range
 * reserved for fiction, media URLs in Bandwidth's v2 form, ISO times with milliseconds.
 */

export type Random = () => number;

/** Crypto-backed by default: two runs never share a message id. */
export const cryptoRandom: Random = () =>
  (crypto.getRandomValues(new Uint32Array(1))[0] as number) / 2 ** 32;

const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

export function messageId(now: number, random: Random): string {
  let suffix = "";
  for (let i = 0; i < 16; i++) suffix += pick(random, [...ALNUM]);
  return `${now}${suffix}`;
}

const AREA_CODES = ["212", "312", "415", "512", "617", "704", "720", "919", "984"];

/** +1 NPA 555 01xx: valid-looking E.164 numbers that belong to nobody. */
export function phoneNumber(random: Random): string {
  return `+1${pick(random, AREA_CODES)}55501${String(Math.floor(random() * 100)).padStart(2, "0")}`;
}

/** `n` distinct numbers, none equal to `except`. */
export function phoneNumbers(random: Random, n: number, except: string[] = []): string[] {
  const numbers = new Set<string>();
  for (let guard = 0; numbers.size < n && guard < n * 50; guard++) {
    const candidate = phoneNumber(random);
    if (!except.includes(candidate)) numbers.add(candidate);
  }
  return [...numbers];
}

const FILES = [
  "IMG_2041.jpg",
  "receipt.png",
  "clip.mp4",
  "contact.vcf",
  "invoice.pdf",
  "sticker.gif",
];

/** Inbound media: `…/media/{messageId}/{index}/{fileName}`, as Bandwidth writes them. */
export function inboundMedia(accountId: string, id: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      `https://messaging.bandwidth.com/api/v2/users/${accountId}/media/${id}/${i}/${FILES[i % FILES.length]}`,
  );
}

/** Outbound media: what the sender uploaded to Bandwidth's media API and referenced. */
export function outboundMedia(accountId: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      `https://messaging.bandwidth.com/api/v2/users/${accountId}/media/${FILES[i % FILES.length]}`,
  );
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** Common failures, for `trigger failed` without --error-code. */
export const COMMON_ERROR_CODES = [
  4301, 4405, 4432, 4470, 4720, 4721, 4750, 4770, 4775, 5600, 9902,
];
