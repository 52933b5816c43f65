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

export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = ({ schema }) => {
  if (!(schema instanceof z.ZodType)) return (data) => JSON.stringify(data);
  return fastJson(toJsonSchema(schema) as any);
};

/** The serializer Fastify compiles for a route's response `schema`: for answers serialized ahead of the reply (SerializedJson). */
export function serializerFor<S extends z.ZodType>(schema: S): (data: z.input<S>) => string {
  return fastJson(toJsonSchema(schema) as any) as (data: z.input<S>) => string;
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
