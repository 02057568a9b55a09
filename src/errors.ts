// Errors with a stable code, whether retrying may help, and whether the message may reach a client.

export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly options: { readonly retryable?: boolean; readonly expose?: boolean; readonly cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
  }

  get retryable(): boolean {
    return this.options.retryable ?? false;
  }

  /** Safe to show to the caller or the HTTP client. */
  get expose(): boolean {
    return this.options.expose ?? false;
  }
}

/** A message for logs from anything thrown. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
