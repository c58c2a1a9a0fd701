// One error renderer per wire protocol: a GustError becomes the status, headers and body that
// the protocol's clients parse (REST-JSON, awsJson 1.0/1.1, Query XML, S3 XML). The dispatcher's
// error boundary picks the renderer of the protocol it recognised.
import type { ServerResponse } from 'node:http';
import { ERROR_CATALOGUE, type ErrorSpec, type GustError } from '../../errors.js';
import { sendJson, sendRestJsonError } from '../http-io.js';
import type { Protocol } from '../service.js';

const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** awsJson 1.0/1.1: `__type` and `message` in the body (and the type in x-amzn-ErrorType too). */
function sendAwsJsonError(res: ServerResponse, err: GustError, requestId: string, version: '1.0' | '1.1'): void {
  // SQS (awsQueryCompatible): the namespaced type, and the Query code the clients map errors by.
  const queryCode: string | undefined = (ERROR_CATALOGUE[err.code] as ErrorSpec).sqsQueryCode;
  const sender = ERROR_CATALOGUE[err.code].type === 'User';
  sendJson(res, err.status >= 500 ? 500 : 400, { __type: queryCode ? `com.amazonaws.sqs#${err.code}` : err.code, message: err.message }, {
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': err.code,
    'Content-Type': `application/x-amz-json-${version}`,
    ...(queryCode ? { 'x-amzn-query-error': `${queryCode};${sender ? 'Sender' : 'Receiver'}` } : {}),
  });
}

function sendXml(res: ServerResponse, status: number, xml: string, requestId: string, requestIdHeader: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body), [requestIdHeader]: requestId });
  res.end(body);
}

/** The Query protocol's ErrorResponse (SQS, STS, ...): Sender for client errors, Receiver for ours. */
function sendQueryError(res: ServerResponse, err: GustError, requestId: string): void {
  const sender = ERROR_CATALOGUE[err.code].type === 'User';
  const code = (ERROR_CATALOGUE[err.code] as ErrorSpec).sqsQueryCode ?? err.code;
  const xml = `<ErrorResponse><Error><Type>${sender ? 'Sender' : 'Receiver'}</Type><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  sendXml(res, err.status, xml, requestId, 'x-amzn-RequestId');
}

/** Drops what XML 1.0 cannot carry at all (control characters other than tab and line ends). */
// eslint-disable-next-line no-control-regex
const xmlText = (text: string) => text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');

/** An XML element name: the extra fields are ours, but a name that is not one must not break the body. */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * S3's REST-XML error: `<Error><Code>…</Code><Message>…</Message>…<RequestId>…</RequestId></Error>`,
 * where `…` is the error's extra fields as elements (SignatureDoesNotMatch's StringToSign, say).
 */
function sendS3Error(res: ServerResponse, err: GustError, requestId: string): void {
  const extra = Object.entries(err.extra)
    .filter(([name, value]) => XML_NAME.test(name) && value !== undefined && value !== null)
    .map(([name, value]) => `<${name}>${xmlEscape(xmlText(typeof value === 'object' ? JSON.stringify(value) : String(value)))}</${name}>`)
    .join('');
  const xml = `<Error><Code>${xmlEscape(err.code)}</Code><Message>${xmlEscape(err.message)}</Message>${extra}<RequestId>${requestId}</RequestId></Error>`;
  sendXml(res, err.status, xml, requestId, 'x-amz-request-id');
}

export function renderError(protocol: Protocol, res: ServerResponse, err: GustError, requestId: string): void {
  switch (protocol) {
    case 'rest-json':
      return sendRestJsonError(res, err, requestId);
    case 'aws-json-1.0':
      return sendAwsJsonError(res, err, requestId, '1.0');
    case 'aws-json-1.1':
      return sendAwsJsonError(res, err, requestId, '1.1');
    case 'query':
      return sendQueryError(res, err, requestId);
    case 'rest-xml':
      return sendS3Error(res, err, requestId);
  }
}

/** What an unexpected exception becomes in each protocol: ServiceException, or InternalError in XML. */
export function unexpectedErrorCode(protocol: Protocol): 'ServiceException' | 'InternalError' {
  return protocol === 'query' || protocol === 'rest-xml' ? 'InternalError' : 'ServiceException';
}
