/**
 * The pages call the engine through the gateway's own API routes, in process (Fastify's inject), with the session's
 * token as the bearer: the same authentication, access rules, problem answers and processing log as any partner
 * system. A page cannot show what the API would refuse, because it only ever shows what the API answered.
 */
import type { FastifyInstance } from 'fastify';

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

/** A problem+json answer, as the problems plugin writes it. */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  rule?: string;
  allowed?: string[];
  issues?: Array<{ field?: string; path?: string; message: string }>;
}

export type Api = <T = unknown>(
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<ApiAnswer<T>>;

/** An answer as it came, with its content type: for the report's CSV and HTML, which are no JSON. */
export interface TextAnswer {
  status: number;
  type: string;
  text: string;
}

export type TextApi = (url: string, headers?: Record<string, string>) => Promise<TextAnswer>;

/** One in-process request as the bearer of a token. */
function injectFor(app: FastifyInstance, token: string, traceparent?: string) {
  return (method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${token}`,
        ...(traceparent ? { traceparent } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
}

/** The API as the bearer of a token. */
export function apiFor(app: FastifyInstance, token: string, traceparent?: string): Api {
  const send = injectFor(app, token, traceparent);
  return async <T>(
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await send(method, url, body, headers);
    const text = response.body;
    return { status: response.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

/** GET as the bearer of a token, the answer kept as text. */
export function textApiFor(app: FastifyInstance, token: string, traceparent?: string): TextApi {
  const send = injectFor(app, token, traceparent);
  return async (url, headers = {}) => {
    const response = await send('GET', url, undefined, headers);
    return {
      status: response.statusCode,
      type: String(response.headers['content-type'] ?? ''),
      text: response.body,
    };
  };
}

export const isProblem = (answer: ApiAnswer): answer is ApiAnswer<Problem> => answer.status >= 400;

/** A page of GET /v1/trajecten. */
export interface ListPage<Item> {
  items: Item[];
  nextCursor?: string;
}

/**
 * Up to `want` trajecten of a list, following the cursor: the API pages region by region, so a page can be empty
 * while the next region still has some. Answers the items, the cursor to go on from, or the problem.
 */
export async function collect<Item>(
  api: Api,
  query: URLSearchParams,
  want: number,
  cursor?: string,
): Promise<ApiAnswer<Problem> | ListPage<Item>> {
  const items: Item[] = [];
  let next = cursor;
  // Bounded: a covenant per round trip at most, and there are few covenants.
  for (let round = 0; round < 50 && items.length < want; round += 1) {
    const params = new URLSearchParams(query);
    params.set('pageSize', String(Math.min(200, want - items.length)));
    if (next) params.set('cursor', next);
    const answer = await api<ListPage<Item>>('GET', `/v1/trajecten?${params.toString()}`);
    if (isProblem(answer)) return answer;
    items.push(...answer.body.items);
    next = answer.body.nextCursor;
    if (!next) break;
  }
  return { items, ...(next ? { nextCursor: next } : {}) };
}
