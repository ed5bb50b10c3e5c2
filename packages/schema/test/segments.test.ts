import { describe, expect, it } from "vitest";
import { countSegments } from "../src/index.ts";

const a = (n: number) => "a".repeat(n);
const u = (n: number) => `ł${a(n - 1)}`; // n UTF-16 units; "ł" is not GSM-7, so UCS-2

describe("countSegments", () => {
  // [case, text, encoding, units, segments]
  const cases: [string, string, "GSM-7" | "UCS-2", number, number][] = [
    ["empty text", "", "GSM-7", 0, 1],
    ["one character", "a", "GSM-7", 1, 1],
    ["160 GSM characters: one part", a(160), "GSM-7", 160, 1],
    ["161 GSM characters: two parts of at most 153", a(161), "GSM-7", 161, 2],
    ["306 GSM characters: exactly two parts", a(306), "GSM-7", 306, 2],
    ["307 GSM characters: three parts", a(307), "GSM-7", 307, 3],
    ["459 GSM characters: exactly three parts", a(459), "GSM-7", 459, 3],
    ["460 GSM characters: four parts", a(460), "GSM-7", 460, 4],
    ["the whole extension table counts two septets each", "^{}\\[~]|€\f", "GSM-7", 20, 1],
    ["80 euro signs: 160 septets, one part", "€".repeat(80), "GSM-7", 160, 1],
    ["158 + € = 160 septets: one part", `${a(158)}€`, "GSM-7", 160, 1],
    ["159 + € = 161 septets: two parts", `${a(159)}€`, "GSM-7", 161, 2],
    // Part 1 holds 152 septets, because the escape pair of € must not be split; so 306
    // septets need three parts, not the two that 306/153 suggests.
    ["an extension character is never split across parts", `${a(152)}€${a(152)}`, "GSM-7", 306, 3],
    ["81 euro signs: 76 in the first part, 5 in the second", "€".repeat(81), "GSM-7", 162, 2],
    ['"é" is in the GSM-7 table', "café", "GSM-7", 4, 1],
    ["160 accented GSM letters stay one part", "éèùìòÇÅåÆæßÉÄÖÑÜäöñü".repeat(8), "GSM-7", 160, 1],
    ["Greek capitals, newline and CR are GSM-7", "ΔΦΓΛΩΠΨΣΘΞ\n\r", "GSM-7", 12, 1],
    ["a single emoji is UCS-2, two code units", "😀", "UCS-2", 2, 1],
    ['"ł" forces UCS-2 for the whole text', `ł${a(100)}`, "UCS-2", 101, 2],
    ["a smart quote forces UCS-2", "“hi”", "UCS-2", 4, 1],
    ['lower-case Greek "δ" is not GSM-7', "δ", "UCS-2", 1, 1],
    ["70 UCS-2 units: one part", u(70), "UCS-2", 70, 1],
    ["71 UCS-2 units: two parts of at most 67", u(71), "UCS-2", 71, 2],
    ["134 UCS-2 units: exactly two parts", u(134), "UCS-2", 134, 2],
    ["135 UCS-2 units: three parts", u(135), "UCS-2", 135, 3],
    ["35 emoji: 70 units, one part", "😀".repeat(35), "UCS-2", 70, 1],
    ["36 emoji: 72 units, two parts", "😀".repeat(36), "UCS-2", 72, 2],
    // 66 units, then a surrogate pair that would straddle the 67-unit boundary: it moves to
    // part 2 whole, and the 66 units after it spill into a third part.
    ["a surrogate pair is never split across parts", `${u(66)}😀${a(66)}`, "UCS-2", 134, 3],
  ];

  it.each(cases)("%s", (_, text, encoding, units, segments) => {
    expect(countSegments(text)).toEqual({
      encoding,
      units,
      segments,
      perSegment:
        segments === 1 ? (encoding === "GSM-7" ? 160 : 70) : encoding === "GSM-7" ? 153 : 67,
    });
  });

  it("counts a long text like Bandwidth's 2048-character limit in parts of 153", () => {
    expect(countSegments(a(2048)).segments).toBe(Math.ceil(2048 / 153));
  });

  it("the ESC control character itself is not GSM-7 text", () => {
    expect(countSegments("a\u001b").encoding).toBe("UCS-2");
  });
});
