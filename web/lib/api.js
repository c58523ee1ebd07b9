// Reads the gateway's HTTP API: the dashboard shows nothing it did not get from here.

export class ApiError extends Error {
  constructor(status, message, path) {
    super(message);
    this.status = status;
    this.path = path;
  }
}

export async function getJson(path) {
  let res;
  try {
    res = await fetch(path, { headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(0, `cannot reach the gateway (${e.message})`, path);
  }
  if (!res.ok) {
    let reason = res.statusText;
    try {
      const body = await res.json();
      if (body && body.error) reason = body.error;
    } catch { /* not JSON */ }
    throw new ApiError(res.status, reason, path);
  }
  return res.json();
}

export function report(name, params = {}) {
  const q = new URLSearchParams(params).toString();
  return getJson(`/api/ctem/reports/${encodeURIComponent(name)}${q ? '?' + q : ''}`);
}

export function exposure(key) {
  return getJson(`/api/ctem/exposures/${encodeURIComponent(key)}`);
}

// The exposure's validations, remediations and audit trail. Null when the gateway has no
// such endpoint (404): the detail view then says "no timeline".
export async function timeline(key) {
  try {
    return await getJson(`/api/ctem/exposures/${encodeURIComponent(key)}/timeline`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}
