/** Error codes of the REST API and their HTTP statuses (API.md). */
export const API_ERRORS = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  /** The node's disk is full: nothing was stored; retry once space is freed. */
  insufficient_storage: 507,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export interface ApiErrorBody {
  error: ApiErrorCode;
  message: string;
  field?: string;
  details?: Record<string, unknown>;
}

/** An error answered to a REST client in the one shape API.md fixes. */
export class ApiError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.statusCode = API_ERRORS[code];
  }

  toBody(): ApiErrorBody {
    return {
      error: this.code,
      message: this.message,
      ...(this.field !== undefined ? { field: this.field } : {}),
      ...(this.details !== undefined ? { details: this.details } : {}),
    };
  }
}

export const invalid = (field: string, message: string, details?: Record<string, unknown>) =>
  new ApiError('validation_failed', message, field, details);
export const notFound = (what: string, id: string) => new ApiError('not_found', `${what} ${id} not found`);
export const conflict = (message: string, details?: Record<string, unknown>) => new ApiError('conflict', message, undefined, details);
