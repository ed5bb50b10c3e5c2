/**
 * Writes docs/openapi.json: the OpenAPI document the relay serves at GET /api/openapi.json,
 * generated from the valibot schemas that validate its requests and describe its responses.
 * `pnpm --filter @bw-relay/relay openapi` after changing the API; a test fails while the
 * checked-in copy is stale.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openApiDocument } from "../src/api/openapi.ts";
import { appDir } from "./dev-vars.ts";

const { version } = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8")) as {
  version: string;
};
const out = join(appDir, "..", "..", "docs", "openapi.json");
writeFileSync(out, `${JSON.stringify(openApiDocument(version), null, 2)}\n`);
execFileSync(
  join(appDir, "..", "..", "node_modules", ".bin", "biome"),
  ["format", "--write", out],
  {
    stdio: "ignore",
  },
);
console.log(`wrote ${out}`);
