import type * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";
import type {
  CallbackEventInput,
  CallbackEventOutput,
  CallbackEventSchema,
  CallbackMessage,
  ErrorCodeDescription,
  EventIssue,
  KnownEventType,
  MediaUrlParts,
  MessageFailedEvent,
  NormalizedEvent,
  NormalizeResult,
  SegmentCount,
  VerifyResult,
} from "../src/index.ts";
import {
  countSegments,
  describeErrorCode,
  eventId,
  normalize,
  parseMediaUrl,
  sign,
  verify,
} from "../src/index.ts";

describe("normalized types", () => {
  it("message.to is an array of strings (or absent)", () => {
    expectTypeOf<CallbackMessage["to"]>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<NormalizedEvent["message"]["to"]>().toEqualTypeOf<string[] | undefined>();
  });

  it("errorCode and segmentCount are numbers (or absent)", () => {
    expectTypeOf<MessageFailedEvent["errorCode"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NormalizedEvent["errorCode"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<CallbackMessage["segmentCount"]>().toEqualTypeOf<number | undefined>();
  });

  it("the top-level to stays a string, type/time/message.id are required strings", () => {
    expectTypeOf<NormalizedEvent["to"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NormalizedEvent["time"]>().toEqualTypeOf<string>();
    expectTypeOf<NormalizedEvent["type"]>().toEqualTypeOf<string>();
    expectTypeOf<NormalizedEvent["message"]["id"]>().toEqualTypeOf<string>();
  });

  it("the spec-nullable fields carry no null once normalized", () => {
    expectTypeOf<CallbackMessage["media"]>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<NormalizedEvent["carrierName"]>().toEqualTypeOf<string | undefined>();
  });

  it("direction and priority are their enums", () => {
    expectTypeOf<CallbackMessage["direction"]>().toEqualTypeOf<"in" | "out" | undefined>();
    expectTypeOf<CallbackMessage["priority"]>().toEqualTypeOf<"default" | "high" | undefined>();
  });

  it("unknown fields are typed unknown, not lost", () => {
    expectTypeOf<NormalizedEvent>().toHaveProperty("platform");
    expectTypeOf<NormalizedEvent["platform"]>().toEqualTypeOf<unknown>();
  });

  it("a known type narrows the union", () => {
    expectTypeOf<
      Extract<CallbackEventOutput, { type: "message-failed" }>
    >().toEqualTypeOf<MessageFailedEvent>();
    expectTypeOf<"message-queued">().toExtend<KnownEventType>();
  });

  it("the output type is the schema's inferred output", () => {
    expectTypeOf<CallbackEventOutput>().toEqualTypeOf<v.InferOutput<typeof CallbackEventSchema>>();
  });
});

describe("input types", () => {
  it("accept a bare-string message.to and string numbers", () => {
    expectTypeOf<{
      type: "message-delivered";
      time: string;
      message: { id: string; to: string; segmentCount: string };
      errorCode: string;
    }>().toExtend<CallbackEventInput>();
    expectTypeOf<{
      type: "message-failed";
      time: string;
      errorCode: null;
      carrierName: null;
      message: { id: string; media: null };
    }>().toExtend<CallbackEventInput>();
    expectTypeOf<CallbackEventInput["message"]["to"]>().toEqualTypeOf<
      string | string[] | undefined
    >();
  });

  it("accept the minimal MFA event", () => {
    expectTypeOf<{
      type: "message-failed";
      time: string;
      message: { id: string };
    }>().toExtend<CallbackEventInput>();
  });

  it("reject a message without id and a numeric message.to", () => {
    expectTypeOf<{
      type: string;
      time: string;
      message: { to: string[] };
    }>().not.toExtend<CallbackEventInput>();
    expectTypeOf<{
      type: string;
      time: string;
      message: { id: string; to: number[] };
    }>().not.toExtend<CallbackEventInput>();
  });
});

describe("function signatures", () => {
  it("normalize takes unknown and returns the event or the issues", () => {
    expectTypeOf(normalize).parameter(0).toEqualTypeOf<unknown>();
    expectTypeOf(normalize).returns.toEqualTypeOf<NormalizeResult>();
    const result = normalize({});
    if (result.success) {
      expectTypeOf(result.event).toEqualTypeOf<NormalizedEvent>();
      expectTypeOf(result.known).toEqualTypeOf<boolean>();
    } else {
      expectTypeOf(result.issues).toEqualTypeOf<EventIssue[]>();
    }
  });

  it("the helpers", () => {
    expectTypeOf(eventId).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(countSegments).returns.toEqualTypeOf<SegmentCount>();
    expectTypeOf(parseMediaUrl).returns.toEqualTypeOf<MediaUrlParts | null>();
    expectTypeOf(describeErrorCode).parameter(0).toEqualTypeOf<number | string>();
    expectTypeOf(describeErrorCode).returns.toEqualTypeOf<ErrorCodeDescription>();
    expectTypeOf(sign).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(verify).returns.toEqualTypeOf<Promise<VerifyResult>>();
  });

  it("parseMediaUrl's parts depend on the version", () => {
    const parts = parseMediaUrl("");
    if (parts?.version === "v2") expectTypeOf(parts.accountId).toEqualTypeOf<string>();
    if (parts?.version === "v1") expectTypeOf(parts.userId).toEqualTypeOf<string>();
  });
});
