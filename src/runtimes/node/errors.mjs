// Errors as Lambda's Node runtime reports them: { errorType, errorMessage, trace }.

export function toErrorDocument(err, typeOverride) {
  if (err instanceof Error) {
    return {
      errorType: typeOverride ?? err.name ?? 'Error',
      errorMessage: err.message,
      trace: (err.stack ?? '').split('\n'),
    };
  }
  return { errorType: typeOverride ?? typeof err, errorMessage: String(err), trace: [] };
}

/** An error raised while loading the handler, tagged with the type Lambda reports for it. */
export class InitError extends Error {
  constructor(errorType, message, cause) {
    super(message);
    this.name = errorType;
    if (cause?.stack) this.stack = `${errorType}: ${message}\n${cause.stack.split('\n').slice(1).join('\n')}`;
  }
}
