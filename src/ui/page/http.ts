/** The page's one way to the server: JSON over fetch, with the session cookie. */

/** A refusal from the server, with its message (an expired session, a wrong passphrase). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

/** GETs `path`, or POSTs `body` as JSON to it; throws ApiError on a refusal. */
export async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const json = (await response.json()) as T & { error?: { code: string; message: string } };
  if (!response.ok)
    throw new ApiError(
      json.error?.message ?? `error ${response.status}`,
      response.status,
      json.error?.code ?? 'E_HTTP',
    );
  return json;
}
