import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import readme from "../README.md?raw";
import { shardStub } from "../src/bindings.ts";
import { shardName } from "../src/epochs/model.ts";
import { relayEnv, useRelayTestState } from "./helpers.ts";

interface DocumentedIndex {
  table: string;
  columns: string;
  where: string;
}

/** The README's "Storage schema" section: the tables' column notes and the index table. */
function documented(): { tables: Map<string, string>; indexes: Map<string, DocumentedIndex> } {
  const section = readme.slice(readme.indexOf("## Storage schema"), readme.indexOf("## Tests"));
  const tables = new Map<string, string>();
  const indexes = new Map<string, DocumentedIndex>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const name = /^`(\w+)`$/.exec(cells[1] ?? "")?.[1];
    if (!name) continue;
    if (cells.length === 5) tables.set(name, cells[3] ?? "");
    else if (cells.length === 7) {
      const unquote = (cell = "") => cell.replace(/^`|`$/g, "");
      indexes.set(name, {
        table: unquote(cells[2]),
        columns: unquote(cells[3]),
        where: unquote(cells[4]),
      });
    }
  }
  return { tables, indexes };
}

/** The schema a shard really has after its migrations. */
async function actual() {
  return runInDurableObject(shardStub(relayEnv, shardName(0, 0)), (_instance, state) => {
    const sql = state.storage.sql;
    const tables = sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'",
      )
      .toArray()
      .map(({ name }) => ({
        name,
        columns: sql
          .exec<{ name: string }>(`SELECT name FROM pragma_table_info('${name}')`)
          .toArray()
          .map((c) => c.name),
      }));
    const indexes = sql
      .exec<{ name: string; tbl_name: string; sql: string }>(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
      )
      .toArray();
    return { tables, indexes };
  });
}

const squash = (text: string) => text.replace(/\s+/g, " ").trim();

describe("the storage schema in the README", () => {
  useRelayTestState();

  it("names every table, and every column of each in its notes", async () => {
    const { tables } = documented();
    const real = await actual();
    expect([...tables.keys()].sort()).toEqual(real.tables.map((t) => t.name).sort());
    for (const table of real.tables) {
      const notes = tables.get(table.name) ?? "";
      for (const column of table.columns) {
        expect(notes, `${table.name}.${column}`).toContain(`\`${column}\``);
      }
    }
  });

  it("lists exactly the indexes the migrations leave, with their columns and conditions", async () => {
    const { indexes } = documented();
    const real = await actual();
    expect([...indexes.keys()].sort()).toEqual(real.indexes.map((i) => i.name).sort());
    for (const index of real.indexes) {
      const doc = indexes.get(index.name);
      const match = /\((.*?)\)(?:\s+WHERE\s+(.*))?$/is.exec(squash(index.sql));
      expect({ name: index.name, ...doc }).toEqual({
        name: index.name,
        table: index.tbl_name,
        columns: squash(match?.[1] ?? ""),
        where: squash(match?.[2] ?? ""),
      });
    }
  });
});
