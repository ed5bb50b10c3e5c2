import { RESPONSES } from "@bw-relay/api";
import { CallbackEventSchema } from "@bw-relay/schema";
import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { type Answer, type Auth, OPERATIONS, type Operation } from "./operations.ts";

type Json = Record<string, unknown>;

/** One Bandwidth callback event as /callbacks takes it (the schema package's schema). */
const CALLBACK_EVENT = { $ref: "#/components/schemas/CallbackEvent" };

const SECURITY: Record<Auth, Json[]> = {
  none: [],
  basic: [{ callbackBasic: [] }],
  bearer: [{ adminBearer: [] }],
  "bearer-or-query-token": [{ adminBearer: [] }, { adminQueryToken: [] }],
  "media-token": [],
};

/** Any route may fail unexpectedly; the answer is still the error shape, never a stack. */
const UNEXPECTED: Record<number, Answer> = {
  500: { description: "`internal_error`: an unexpected failure; retry", schema: "ErrorResponse" },
};

/** valibot → JSON Schema 2020-12 (OpenAPI 3.1's dialect); checks it cannot express are left out. */
function jsonSchema(schema: v.GenericSchema, mode: "input" | "output"): Json {
  const { $schema: _, ...rest } = toJsonSchema(schema, {
    target: "draft-2020-12",
    typeMode: mode,
    errorMode: "ignore",
  }) as Json;
  return rest;
}

function answer(a: Answer): Json {
  if ("schema" in a) {
    return {
      description: a.description,
      content: { "application/json": { schema: { $ref: `#/components/schemas/${a.schema}` } } },
    };
  }
  return a.mediaType === null
    ? { description: a.description }
    : { description: a.description, content: { [a.mediaType]: {} } };
}

function operation(op: Operation): Json {
  const parameters: Json[] = [];
  for (const name of op.path.match(/\{(\w+)\}/g) ?? []) {
    const param = name.slice(1, -1);
    parameters.push({ name: param, in: "path", required: true, schema: { type: "string" } });
  }
  if (op.query) {
    for (const [name, schema] of Object.entries(op.query.entries)) {
      const { default: _default, ...described } = jsonSchema(schema, "input");
      parameters.push({ name, in: "query", required: false, schema: described });
    }
  }
  return {
    summary: op.summary,
    tags: [op.tag],
    operationId: `${op.method}${op.path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(\w)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())}`,
    security: SECURITY[op.auth],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: op.path === "/callbacks",
            content: {
              "application/json": {
                schema:
                  op.path === "/callbacks"
                    ? {
                        oneOf: [{ type: "array", items: CALLBACK_EVENT }, CALLBACK_EVENT],
                      }
                    : jsonSchema(op.body, "input"),
              },
            },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries({ ...op.responses, ...UNEXPECTED }).map(([status, a]) => [status, answer(a)]),
    ),
  };
}

/** The OpenAPI 3.1 document of the relay, generated from the schemas that validate it. */
export function openApiDocument(version: string): Json {
  const paths: Record<string, Json> = {};
  for (const op of OPERATIONS) {
    paths[op.path] = { ...(paths[op.path] ?? {}), [op.method]: operation(op) };
  }
  const schemas = {
    ...Object.fromEntries(
      Object.entries(RESPONSES).map(([name, schema]) => [
        name,
        jsonSchema(schema as v.GenericSchema, "output"),
      ]),
    ),
    CallbackEvent: jsonSchema(CallbackEventSchema, "input"),
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "bw-relay",
      version,
      description:
        'A relay for Bandwidth messaging callbacks: POST /callbacks takes what Bandwidth sends; the admin API under /api configures targets and shows events and deliveries. Errors are always {"error":{"code","message"}}: an unknown path is 404 `not_found`, a method a path does not take 405 `method_not_allowed` with an `Allow` header, an unexpected failure 500 `internal_error`.',
    },
    tags: ["callbacks", "targets", "events", "deliveries", "operations", "media"].map((name) => ({
      name,
    })),
    paths,
    components: {
      schemas,
      securitySchemes: {
        callbackBasic: {
          type: "http",
          scheme: "basic",
          description: "CALLBACK_USERNAME/CALLBACK_PASSWORD or a CALLBACK_CREDENTIALS pair.",
        },
        adminBearer: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN." },
        adminQueryToken: {
          type: "apiKey",
          in: "query",
          name: "token",
          description: "ADMIN_TOKEN (WebSocket clients).",
        },
      },
    },
  };
}
