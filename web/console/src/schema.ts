// Checks edited tool arguments against the tool's JSON Schema before they are sent, for the
// keywords tool schemas use (type, properties, required, additionalProperties, items, enum,
// const, lengths, bounds, pattern). The server checks again with the full standard.

import type { JsonSchema } from './types';

/** The problems found, each naming where: empty when the value fits. */
export function checkAgainstSchema(value: unknown, schema: JsonSchema, path = 'arguments'): string[] {
  const problems: string[] = [];
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 0 && !types.some((type) => hasType(value, type))) {
    return [`${path} must be ${types.map(article).join(' or ')}`];
  }
  if (schema.const !== undefined && !sameJson(value, schema.const)) {
    problems.push(`${path} must be ${JSON.stringify(schema.const)}`);
  }
  if (schema.enum && !schema.enum.some((option) => sameJson(value, option))) {
    problems.push(`${path} must be one of ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}`);
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) {
      problems.push(`${path} must have at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}`);
    }
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      problems.push(`${path} must have at most ${schema.maxLength} characters`);
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      problems.push(`${path} must match ${schema.pattern}`);
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${path} must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${path} must be at most ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) {
      problems.push(`${path} must be more than ${schema.exclusiveMinimum}`);
    }
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) {
      problems.push(`${path} must be less than ${schema.exclusiveMaximum}`);
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${path} needs at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${path} takes at most ${schema.maxItems} items`);
    const items = schema.items;
    if (items) value.forEach((item, index) => problems.push(...checkAgainstSchema(item, items, `${path}[${index}]`)));
  }
  if (isObject(value)) {
    for (const name of schema.required ?? []) {
      if (!(name in value)) problems.push(`${path}.${name} is required`);
    }
    const properties = schema.properties ?? {};
    for (const [name, item] of Object.entries(value)) {
      const property = properties[name];
      if (property) problems.push(...checkAgainstSchema(item, property, `${path}.${name}`));
      else if (schema.additionalProperties === false) problems.push(`${path}.${name} is not an argument of this tool`);
      else if (typeof schema.additionalProperties === 'object') {
        problems.push(...checkAgainstSchema(item, schema.additionalProperties, `${path}.${name}`));
      }
    }
  }
  return problems;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    default:
      return true;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function article(type: string): string {
  return type === 'null' ? 'null' : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}
