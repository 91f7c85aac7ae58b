// The OpenAPI 3.1 document, generated from the same route tables and zod schemas the server
// validates with, so the document and the behaviour cannot drift apart.
import { z } from 'zod';
import type { RouteSpec } from '../../../src-shared/api/peer-routes.js';
import { errorCatalogue } from '../../../src-shared/errors.js';

export interface OpenApiInfo {
  title: string;
  version: string;
  description: string;
}

type JsonSchema = Record<string, unknown>;

const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(errorCatalogue) as [string, ...string[]]),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    const parameter: JsonSchema = { name, in: where, required: where === 'path' || required.has(name), schema: rest };
    if (typeof description === 'string') parameter.description = description;
    return parameter;
  });
}

function operationOf(name: string, spec: RouteSpec): JsonSchema {
  const errorResponse = { description: 'An error from the catalogue', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  const responses: Record<string, unknown> = spec.redirect
    ? { '302': { description: 'Redirect', headers: { Location: { description: 'where the content is', schema: { type: 'string' } } } } }
    : spec.response
    ? { '200': { description: 'OK', content: { 'application/json': { schema: schemaOf(spec.response, 'output') } } } }
    : spec.document
    ? { '200': { description: 'The document', content: { [spec.document]: { schema: { type: 'string', format: 'binary' } } } } }
    : {
        '200': { description: 'The bytes', headers: { ETag: { schema: { type: 'string' } } }, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        '206': { description: 'One byte range', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
        '416': errorResponse,
      };
  responses['4XX'] = errorResponse;
  responses['5XX'] = errorResponse;
  const operation: JsonSchema = {
    operationId: name,
    summary: spec.summary,
    tags: [spec.access],
    parameters: [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query')],
    responses,
  };
  if (spec.body) {
    operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(spec.body, 'input') } } };
  }
  if (spec.multipart) {
    const file = { type: 'string', contentMediaType: 'application/octet-stream', description: 'a file; its name may carry folders ("trip/day 1/a.jpg")' };
    operation.requestBody = {
      required: true,
      content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'array', items: file } } } } },
    };
  }
  operation.security = spec.access === 'control' ? [{ controlToken: [] }] : [];
  return operation;
}

export function buildOpenApi(info: OpenApiInfo, routeTables: Record<string, RouteSpec>[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const table of routeTables) {
    for (const [name, spec] of Object.entries(table)) {
      const path = spec.path.replace(/:(\w+)/g, '{$1}');
      paths[path] = { ...paths[path], [spec.method]: operationOf(name, spec) };
    }
  }
  return {
    openapi: '3.1.0',
    info: { ...info, license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: '/', description: 'this node' }],
    tags: [
      { name: 'public', description: 'Open to every peer' },
      { name: 'control', description: 'Only the local user: loopback and the node\u2019s token' },
    ],
    paths,
    components: {
      schemas: { Error: schemaOf(errorBodySchema, 'output') },
      securitySchemes: { controlToken: { type: 'http', scheme: 'bearer', description: 'The token `shoal serve` prints in its address' } },
    },
  };
}
