// The dashboard's only way to the gateway: GET requests to the admin API with the token as a Bearer header (never in
// the URL, where it would end up in logs and history). Failures come back as ApiError with the status and the
// server's own message, so the page can ask for the token again on 401/403 and show anything else as it is.
/* global fetch, URLSearchParams */

const API = '/admin/api';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    /** 0 when the gateway could not be reached at all. */
    this.status = status;
  }

  get unauthorised() {
    return this.status === 401 || this.status === 403;
  }
}

/** `token()` is read at each request, so signing in again takes effect without rebuilding anything. */
export function createApi(token) {
  async function get(path, params = {}) {
    const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== undefined && value !== null && value !== ''));
    const url = `${API}/${path}${[...query].length > 0 ? `?${query}` : ''}`;
    let response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${token()}`, accept: 'application/json' }, cache: 'no-store' });
    } catch {
      throw new ApiError(0, 'Cannot reach the gateway. Check the connection and try again.');
    }
    const body = await response.json().catch(() => null);
    if (response.ok && body) return body;
    const reason = body && typeof body.error === 'string' ? body.error : `${response.status} ${response.statusText}`.trim();
    throw new ApiError(response.status, response.status === 404 && !body ? 'The admin API is not enabled on this gateway.' : reason);
  }

  return {
    analytics: (params) => get('analytics', params),
    conversations: (params) => get('conversations', params),
    conversation: (id) => get(`conversations/${encodeURIComponent(id)}`),
    live: () => get('live'),
  };
}
