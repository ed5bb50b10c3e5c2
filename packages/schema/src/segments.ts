/**
 * SMS segment counting (3GPP TS 23.038): GSM-7 when every character is in the basic or
 * extension table (extension characters cost two septets, and an escape pair is never split
 * across parts), else UCS-2 counted in UTF-16 code units (a surrogate pair costs two and is
 * never split). One part holds 160 septets / 70 units; a concatenated part 153 / 67.
 * Bandwidth's own `segmentCount` is authoritative; this is an estimate. MMS is always 1.
 */

// The basic table without 0x1B: ESC only introduces an extension character.
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION = "\f^{}\\[~]|€";

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

/** What `countSegments` found. */
export interface SegmentCount {
  /** GSM-7 when every character is in the GSM 03.38 basic or extension table. */
  encoding: "GSM-7" | "UCS-2";
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  /** SMS parts the text needs (1 for an empty text). */
  segments: number;
  /** How many units one segment of this message holds. */
  perSegment: number;
}

/**
 * Counts the segments of an SMS text; an empty text is one (empty) segment.
 *
 * @example
 * countSegments("a".repeat(161)); // { encoding: "GSM-7", units: 161, segments: 2, perSegment: 153 }
 * countSegments("Hi 👋"); // { encoding: "UCS-2", units: 5, segments: 1, perSegment: 70 }
 */
export function countSegments(text: string): SegmentCount {
  const gsm = [...text].every((ch) => BASIC.has(ch) || EXTENSION.has(ch));
  if (gsm) {
    const costs = [...text].map((ch) => (EXTENSION.has(ch) ? 2 : 1));
    return pack("GSM-7", costs, 160, 153);
  }
  const costs = [...text].map((ch) => ch.length);
  return pack("UCS-2", costs, 70, 67);
}

function pack(
  encoding: SegmentCount["encoding"],
  costs: number[],
  single: number,
  multi: number,
): SegmentCount {
  const units = costs.reduce((a, b) => a + b, 0);
  if (units <= single) return { encoding, units, segments: 1, perSegment: single };
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > multi) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units, segments, perSegment: multi };
}
