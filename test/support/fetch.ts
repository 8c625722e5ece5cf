/**
 * The tests' one fetch helper: a response with its status, headers, text and body parsed as JSON
 * when it is JSON (the text otherwise, undefined when empty), so a test asserts refusals as easily
 * as successes.
 */
export interface Res<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** Reads and parses a response someone else fetched. */
export async function parseResponse<T = any>(res: Response): Promise<Res<T>> {
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body, text, headers: res.headers };
}

/** fetch, parsed. */
export async function request<T = any>(url: string, init: RequestInit = {}): Promise<Res<T>> {
  return parseResponse<T>(await fetch(url, init));
}
