import { RESPONSES } from "@bw-relay/api";
import * as v from "valibot";
import { OPERATIONS } from "../src/api/operations.ts";

/**
 * Holds a response the suite received to the API's description (src/api/operations.ts and
 * responses.ts, from which the OpenAPI document is generated): its route and status must be
 * listed, and a JSON body must match the listed schema. A response of no listed route must be
 * an error body (404 for an unknown route, 405 for a wrong method). Throws what does not fit.
 */
export async function checkDocumented(method: string, path: string, response: Response) {
  if (response.status === 101) return;
  const op = OPERATIONS.find(
    (o) =>
      (o.method === method.toLowerCase() || (method === "HEAD" && o.method === "get")) &&
      new RegExp(`^${o.path.replace(/\{\w+\}/g, "[^/]+")}$`).test(path),
  );
  const answer = op?.responses[response.status];
  if (op && !answer) {
    throw new Error(
      `${method} ${op.path} answered ${response.status}, which the API description does not list`,
    );
  }
  const schemaName = op ? (answer && "schema" in answer ? answer.schema : null) : "ErrorResponse";
  if (schemaName === null || method === "HEAD") return;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} answered ${response.status} with a body that is not JSON`);
  }
  const result = v.safeParse(RESPONSES[schemaName] as v.GenericSchema, body);
  if (!result.success) {
    const issues = result.issues
      .slice(0, 5)
      .map((i) => `${v.getDotPath(i) ?? "(body)"}: ${i.message}`)
      .join("; ");
    throw new Error(`${method} ${path} ${response.status} does not match ${schemaName}: ${issues}`);
  }
}
