// Reads the gateway's HTTP API: the dashboard shows nothing it did not get from here.
//
// Every data call sends `Authorization: Bearer <token>` (docs/security.md). The token comes in
// the URL fragment, `/#token=<read token>` (a fragment is never sent to the server, so it is
// in no access log); it is kept in sessionStorage for this tab only and removed from the
// address bar and history at once.

const TOKEN_KEY = 'ctem.token';

function adoptTokenFromFragment() {
  const m = /^#token=([^&#]+)(?:&(.*))?$/.exec(location.hash);
  if (!m) return;
  try {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
  } catch { /* storage disabled: the calls will say 401 */ }
  const rest = m[2] ? `#${m[2]}` : '';
  history.replaceState(null, '', location.pathname + location.search + rest);
}
adoptTokenFromFragment();

function token() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

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
    const headers = { Accept: 'application/json' };
    const t = token();
    if (t) headers.Authorization = `Bearer ${t}`;
    res = await fetch(path, { headers });
  } catch (e) {
    throw new ApiError(0, `cannot reach the gateway (${e.message})`, path);
  }
  if (!res.ok) {
    let reason = res.statusText;
    try {
      const body = await res.json();
      if (body && body.error) reason = body.error;
    } catch { /* not JSON */ }
    if (res.status === 401) reason += ' — open the dashboard as /#token=<read token> (ctem token create --scope read)';
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
