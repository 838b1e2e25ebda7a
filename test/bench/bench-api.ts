/** The hub's HTTP API for the benchmarks' set-up (not the measured load): JSON in and out, errors thrown. */
export async function api<T>(
  base: string,
  token: string | null,
  method: string,
  url: string,
  body?: object | FormData,
) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body && !(body instanceof FormData) ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body instanceof FormData ? body : body && JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export const login = async (base: string, username: string, password: string) =>
  (await api<{ accessToken: string }>(base, null, 'POST', '/api/auth/login', { username, password })).accessToken;
