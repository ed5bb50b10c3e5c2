import { describe, expect, it } from "vitest";
import { isBandwidthMediaUrl, parseMediaUrl } from "../src/index.ts";

describe("parseMediaUrl: v2 URLs", () => {
  it("splits an inbound media URL; the media id is everything after media/, slashes included", () => {
    expect(
      parseMediaUrl(
        "https://messaging.bandwidth.com/api/v2/users/9900902/media/14762070468292kw2fuqty55yp2b2/0/bw.png",
      ),
    ).toEqual({
      version: "v2",
      host: "messaging.bandwidth.com",
      accountId: "9900902",
      mediaId: "14762070468292kw2fuqty55yp2b2/0/bw.png",
      messageId: "14762070468292kw2fuqty55yp2b2",
      index: "0",
      fileName: "bw.png",
    });
  });

  it("reads the {accountId} placeholder of the doc examples", () => {
    expect(
      parseMediaUrl(
        "https://messaging.bandwidth.com/api/v2/users/{accountId}/media/14762070468292kw2fuqty55yp2b2/2/Bandwidth_Contact.png",
      ),
    ).toMatchObject({ accountId: "{accountId}", index: "2", fileName: "Bandwidth_Contact.png" });
  });

  it("parses an uploaded media name: no message id or index", () => {
    expect(
      parseMediaUrl("https://messaging.bandwidth.com/api/v2/users/9955525/media/my-logo.png"),
    ).toEqual({
      version: "v2",
      host: "messaging.bandwidth.com",
      accountId: "9955525",
      mediaId: "my-logo.png",
      messageId: undefined,
      index: undefined,
      fileName: "my-logo.png",
    });
  });

  it("parses the pre-April-2019 v2 base, api.catapult.inetwork.com/v2", () => {
    expect(
      parseMediaUrl(
        "https://api.catapult.inetwork.com/v2/users/9955525/media/1589228074636lm4k2je7j7jklbn2/1/presentation.smil",
      ),
    ).toEqual({
      version: "v2",
      host: "api.catapult.inetwork.com",
      accountId: "9955525",
      mediaId: "1589228074636lm4k2je7j7jklbn2/1/presentation.smil",
      messageId: "1589228074636lm4k2je7j7jklbn2",
      index: "1",
      fileName: "presentation.smil",
    });
  });

  it("decodes percent-escapes and ignores the query", () => {
    expect(
      parseMediaUrl("https://messaging.bandwidth.com/api/v2/users/1/media/m1/0/my%20photo.jpg?x=1"),
    ).toMatchObject({ mediaId: "m1/0/my photo.jpg", fileName: "my photo.jpg" });
  });

  it("accepts the host in any case and an explicit :443", () => {
    expect(
      parseMediaUrl("https://Messaging.Bandwidth.COM:443/api/v2/users/1/media/m1/0/a.png"),
    ).toMatchObject({ version: "v2", host: "messaging.bandwidth.com" });
  });
});

describe("parseMediaUrl: v1 (Catapult) URLs", () => {
  it("takes the message id from a Catapult name <uuid>-m-<id>.<ext>", () => {
    expect(
      parseMediaUrl(
        "https://api.catapult.inetwork.com/v1/users/u-abc123/media/A3087419-73C2-4A03-BB39-06BF3B1C240F-m-dr4mcch2wfb6frcls677glq.jpg",
      ),
    ).toEqual({
      version: "v1",
      host: "api.catapult.inetwork.com",
      userId: "u-abc123",
      mediaId: "A3087419-73C2-4A03-BB39-06BF3B1C240F-m-dr4mcch2wfb6frcls677glq.jpg",
      fileName: "A3087419-73C2-4A03-BB39-06BF3B1C240F-m-dr4mcch2wfb6frcls677glq.jpg",
      messageId: "m-dr4mcch2wfb6frcls677glq",
    });
  });

  it("reads the SMIL part of a Catapult MMS", () => {
    expect(
      parseMediaUrl(
        "https://api.catapult.inetwork.com/v1/users/{user-id}/media/123_1-m-dr4mcch2wfb6frcls677glq.smil",
      ),
    ).toMatchObject({ userId: "{user-id}", messageId: "m-dr4mcch2wfb6frcls677glq" });
  });

  it("reads the v2-style media id of the docs' single-message example", () => {
    expect(
      parseMediaUrl(
        "https://api.catapult.inetwork.com/v1/users/{userId}/media/14762070468292kw2fuqty55yp2b2/0/bw.png",
      ),
    ).toEqual({
      version: "v1",
      host: "api.catapult.inetwork.com",
      userId: "{userId}",
      mediaId: "14762070468292kw2fuqty55yp2b2/0/bw.png",
      fileName: "bw.png",
      messageId: "14762070468292kw2fuqty55yp2b2",
    });
  });

  it("has no message id for a plain uploaded name", () => {
    expect(
      parseMediaUrl("https://api.catapult.inetwork.com/v1/users/u-1/media/logo.png"),
    ).toMatchObject({ version: "v1", fileName: "logo.png", messageId: undefined });
  });
});

describe("parseMediaUrl: anything else is null", () => {
  it.each([
    ["another host", "https://s3.amazonaws.com/bw-v2-api/demo.jpg"],
    [
      "a look-alike host",
      "https://messaging.bandwidth.com.evil.example/api/v2/users/1/media/m/0/a.png",
    ],
    ["a subdomain", "https://x.messaging.bandwidth.com/api/v2/users/1/media/m/0/a.png"],
    ["http:", "http://messaging.bandwidth.com/api/v2/users/1/media/m/0/a.png"],
    [
      "credentials in the URL",
      "https://user:pass@messaging.bandwidth.com/api/v2/users/1/media/m/0/a.png",
    ],
    ["a user name alone", "https://user@messaging.bandwidth.com/api/v2/users/1/media/m/0/a.png"],
    ["another port", "https://messaging.bandwidth.com:8443/api/v2/users/1/media/m/0/a.png"],
    ["the v1 path on the v2 host", "https://messaging.bandwidth.com/v1/users/1/media/a.png"],
    [
      "the messaging API without /media/",
      "https://messaging.bandwidth.com/api/v2/users/1/messages",
    ],
    ["an empty media id", "https://messaging.bandwidth.com/api/v2/users/1/media/"],
    [
      "a path that climbs out of media/",
      "https://messaging.bandwidth.com/api/v2/users/1/media/../../../x",
    ],
    ["a relative URL", "/api/v2/users/1/media/m/0/a.png"],
    ["garbage", "not a url"],
    ["an empty string", ""],
  ])("%s", (_, url) => {
    expect(parseMediaUrl(url)).toBeNull();
    expect(isBandwidthMediaUrl(url)).toBe(false);
  });
});

describe("path tricks", () => {
  it("are never Bandwidth media URLs, however they are spelled", () => {
    const base = "https://messaging.bandwidth.com/api/v2/users/9900902/media";
    for (const url of [
      `${base}/..%2F..%2F9900903%2Fmedia%2Fsecret.png`,
      `${base}/%2e%2e/%2e%2e/9900903/media/x.png`,
      `${base}/%2E%2E/x.png`,
      `${base}/a%5c..%5cb.png`,
      `${base}/../../9900903/media/x.png`,
      `${base}/./m1/0/x.png`,
      `${base}/m1/0/x.png/..`,
      "https://messaging.bandwidth.com\\api/v2/users/1/media/x.png",
    ]) {
      expect(isBandwidthMediaUrl(url), url).toBe(false);
    }
    // Ordinary escapes (a space in a file name) are fine.
    expect(isBandwidthMediaUrl(`${base}/m1/0/my%20picture.png`)).toBe(true);
  });
});
