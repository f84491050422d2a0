// How a route refuses a request. Older Platform.sh endpoints answer `{"error": "..."}` as
// application/json; newer ones (user access, organisations) answer application/problem+json. The
// problem body keeps an `error` member too, because the excerpt's Error schema requires it.
export class SimulatorHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly shape: 'legacy' | 'problem' = 'legacy',
  ) {
    super(message);
    this.name = 'SimulatorHttpError';
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? `HTTP ${status}`;
}

export function errorBody(error: SimulatorHttpError): { contentType: string; body: Record<string, unknown> } {
  if (error.shape === 'problem') {
    return {
      contentType: 'application/problem+json',
      body: { type: 'about:blank', title: statusTitle(error.status), status: error.status, detail: error.message, error: error.message },
    };
  }
  return { contentType: 'application/json', body: { error: error.message } };
}
