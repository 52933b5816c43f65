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
