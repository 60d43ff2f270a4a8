// The check of edited tool arguments against the tool's JSON Schema
// (web/console/src/schema.ts), run before an approval is sent.
import assert from "node:assert/strict";
import path from "node:path";
import test from "node:test";
import { pathToFileURL } from "node:url";

const { checkAgainstSchema } = await import(pathToFileURL(path.join(process.env.CONSOLE_MODULES, "schema.js")).href);

const calculator = {
  type: "object",
  properties: { expression: { type: "string", minLength: 1, maxLength: 10 } },
  required: ["expression"],
  additionalProperties: false,
};

test("arguments that fit have no problem", () => {
  assert.deepEqual(checkAgainstSchema({ expression: "6*7" }, calculator), []);
});

test("each problem names where it is", () => {
  assert.deepEqual(checkAgainstSchema({}, calculator), ["arguments.expression is required"]);
  assert.deepEqual(checkAgainstSchema({ expression: 5 }, calculator), ["arguments.expression must be a string"]);
  assert.deepEqual(checkAgainstSchema({ expression: "" }, calculator), ["arguments.expression must have at least 1 character"]);
  assert.deepEqual(checkAgainstSchema({ expression: "1+1+1+1+1+1" }, calculator), ["arguments.expression must have at most 10 characters"]);
  assert.deepEqual(checkAgainstSchema({ expression: "1", x: 1 }, calculator), ["arguments.x is not an argument of this tool"]);
  assert.deepEqual(checkAgainstSchema([], calculator), ["arguments must be an object"]);
});

test("numbers, integers, enums, arrays and nested objects", () => {
  const schema = {
    type: "object",
    properties: {
      count: { type: "integer", minimum: 1, maximum: 3 },
      unit: { enum: ["s", "ms"] },
      tags: { type: "array", maxItems: 2, items: { type: "string" } },
      where: { type: "object", properties: { lat: { type: "number" } }, required: ["lat"] },
      note: { type: ["string", "null"] },
    },
  };
  assert.deepEqual(checkAgainstSchema({ count: 2, unit: "s", tags: ["a"], where: { lat: 1.5 }, note: null }, schema), []);
  assert.deepEqual(checkAgainstSchema({ count: 1.5 }, schema), ["arguments.count must be an integer"]);
  assert.deepEqual(checkAgainstSchema({ count: 4 }, schema), ["arguments.count must be at most 3"]);
  assert.deepEqual(checkAgainstSchema({ unit: "h" }, schema), ['arguments.unit must be one of "s", "ms"']);
  assert.deepEqual(checkAgainstSchema({ tags: ["a", 1, "c"] }, schema), ["arguments.tags takes at most 2 items", "arguments.tags[1] must be a string"]);
  assert.deepEqual(checkAgainstSchema({ where: {} }, schema), ["arguments.where.lat is required"]);
  assert.deepEqual(checkAgainstSchema({ note: 3 }, schema), ["arguments.note must be a string or null"]);
});
