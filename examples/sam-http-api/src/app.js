// Two handlers behind an HTTP API (payload 2.0) and a REST API (payload 1.0).
export const hello = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ message: `${process.env.GREETING}!`, stage: process.env.STAGE, logLevel: process.env.LOG_LEVEL, payload: event.version ?? '1.0' }),
});

export const items = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ id: event.pathParameters.id }),
});
