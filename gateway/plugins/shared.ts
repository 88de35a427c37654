/**
 * A plugin whose hooks and decorations apply to the whole gateway rather than to its own encapsulated context: what
 * `fastify-plugin` does, without another dependency (Fastify honours the same symbol).
 */
import type { FastifyPluginAsync, FastifyPluginOptions } from 'fastify';

export function shared<Options extends FastifyPluginOptions>(
  plugin: FastifyPluginAsync<Options>,
  name: string,
): FastifyPluginAsync<Options> {
  const marked = plugin as FastifyPluginAsync<Options> & Record<symbol, unknown>;
  marked[Symbol.for('skip-override')] = true;
  marked[Symbol.for('fastify.display-name')] = name;
  return marked;
}
