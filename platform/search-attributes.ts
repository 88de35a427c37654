/**
 * Registers the project's custom search attributes on a namespace, if they are not there yet. In platform/ because
 * both need it: the worker at start-up, and the SDK when a traject is started before any worker registered them.
 */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Logger } from 'pino';
import { searchAttributeKeys } from '../workflows/search-attributes';

const indexedType = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
} as const;

/** The dev server's `--search-attribute Name=Type` arguments. */
export function searchAttributeArgs(): string[] {
  const names = { KEYWORD: 'Keyword', DATETIME: 'Datetime', BOOL: 'Bool' } as const;
  return searchAttributeKeys.flatMap((k) => ['--search-attribute', `${k.name}=${names[k.type]}`]);
}

/** The gRPC status of "this server does not offer that call" (the time-skipping test server cannot list). */
const UNIMPLEMENTED = 12;

async function registered(connection: Connection, namespace: string): Promise<Set<string>> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    return new Set(Object.keys(existing.customAttributes ?? {}));
  } catch (err) {
    if ((err as { code?: number }).code === UNIMPLEMENTED) return new Set();
    throw err;
  }
}

export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  logger: Logger,
): Promise<void> {
  const existing = await registered(connection, namespace);
  const missing = searchAttributeKeys.filter((k) => !existing.has(k.name));
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, indexedType[k.type]])),
    });
    logger.info(
      { 'temporal.namespace': namespace, 'searchAttributes.added': missing.map((k) => k.name) },
      'search attributes registered',
    );
  } catch (err) {
    // Temporal Cloud registers search attributes in its own console, not through the operator API.
    logger.warn(
      { err, 'temporal.namespace': namespace, 'searchAttributes.missing': missing.map((k) => k.name) },
      'could not register search attributes',
    );
  }
}
