/**
 * Response serialization: the route's zod response schema is turned into JSON Schema once, at start-up, and Fastify's
 * own fast-json-stringify writes the output. It is fast, and it emits only declared fields — the allow-list that
 * keeps hashes and secrets out of every response.
 */
import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import { z } from 'zod';

export function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/**
 * One compiled serializer per schema object, for the whole process: a compiled serializer is a pure function of its
 * schema (no per-app state), and compiling it costs far more than running it. An app built twice in one process (the
 * tests build hundreds) compiles nothing the second time.
 */
const compiled = new WeakMap<z.ZodType, (data: unknown) => string>();

function compile(schema: z.ZodType): (data: unknown) => string {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = fastJson(toJsonSchema(schema) as any) as (data: unknown) => string;
    compiled.set(schema, fn);
  }
  return fn;
}

export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema }) => {
  if (!(schema instanceof z.ZodType)) return (data) => JSON.stringify(data);
  return compile(schema);
};

/** The serializer Fastify compiles for a route's response `schema`: for answers serialized ahead of the reply (SerializedJson). */
export function serializerFor<S extends z.ZodType>(schema: S): (data: z.input<S>) => string {
  return compile(schema);
}

/** The content type Fastify gives a serialized JSON answer. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * A response body already serialized by serializerFor (kept bytes, written as they are): a route handler that gets one
 * sends it with JSON_CONTENT_TYPE instead of having the object serialized again.
 */
export class SerializedJson {
  constructor(readonly bytes: Buffer) {}
}
