/**
 * The OpenAPI 3.1 document, generated from the route schemas (never written beside them), at /v1/openapi.json, and
 * Swagger UI at /v1/docs. Problem responses are declared as `application/problem+json`.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { API_VERSION } from './api-version';
import { shared } from './shared';

type Responses = Record<string, { content?: Record<string, unknown> }>;
type Document = { paths?: Record<string, Record<string, { responses?: Responses }>> };

/** Errors are problem details: move each 4xx/5xx response's JSON content to application/problem+json. */
function problemContentTypes<T>(document: T): T {
  for (const operations of Object.values((document as Document).paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (Number(status) >= 400 && json && response.content) {
          delete response.content['application/json'];
          response.content['application/problem+json'] = json;
        }
      }
    }
  }
  return document;
}

export const openApiPlugin = shared(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Thuis in de Wijk',
        description:
          'Start and follow trajecten, send their events, read what you may do now. Every request carries a bearer token from your identity provider; errors are RFC 9457 problem details.',
        version: API_VERSION,
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => problemContentTypes(jsonSchemaTransformObject(input)),
  });
  await app.register(swaggerUi, { routePrefix: '/v1/docs' });
  app.get('/v1/openapi.json', { schema: { hide: true }, config: { public: true } }, async () =>
    app.swagger(),
  );
}, 'tidw-openapi');
