// Trace context in and out: traceparent and X-Amzn-Trace-Id parsed strictly (anything malformed
// is ignored, never an error), and _X_AMZN_TRACE_ID written with the same 128-bit trace id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAmznTraceId, parseAmznTraceId, parseTraceparent, traceContextFromHeaders } from '../../src/telemetry/tracing/trace-context.js';
import { InvocationTracer } from '../../src/telemetry/tracing/invocation-tracer.js';

test('traceparent: version 00 exactly, no all-zero ids, sampled flag', () => {
  assert.deepEqual(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7', sampled: true });
  assert.equal(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')?.sampled, false);
  for (const bad of ['', 'x', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra', 'a'.repeat(600)]) {
    assert.equal(parseTraceparent(bad), undefined, bad.slice(0, 60));
  }
});

test('X-Amzn-Trace-Id: Root, Parent and Sampled in any order; malformed parts are dropped', () => {
  assert.deepEqual(parseAmznTraceId('Sampled=1;Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8'), { traceId: '5759e988bd862e3fe1be46a994272793', parentSpanId: '53995c3f42cd8ad8', sampled: true });
  assert.deepEqual(parseAmznTraceId('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=zz'), { traceId: '5759e988bd862e3fe1be46a994272793', parentSpanId: undefined, sampled: undefined });
  assert.equal(parseAmznTraceId('Root=2-5759e988-bd862e3fe1be46a994272793'), undefined);
  assert.equal(parseAmznTraceId('Parent=53995c3f42cd8ad8'), undefined);
});

test('traceparent wins over X-Amzn-Trace-Id; the function gets the same trace with its invoke span as Parent', () => {
  const ctx = traceContextFromHeaders({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'x-amzn-trace-id': 'Root=1-5759e988-bd862e3fe1be46a994272793' });
  assert.equal(ctx?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(formatAmznTraceId('4bf92f3577b34da6a3ce929d0e0e4736', 'aaaaaaaaaaaaaaaa', true), 'Root=1-4bf92f35-77b34da6a3ce929d0e0e4736;Parent=aaaaaaaaaaaaaaaa;Sampled=1');
  const trace = new InvocationTracer(undefined, { region: 'r', accountId: 'a' }).begin(ctx, false);
  assert.equal(parseAmznTraceId(trace.amznTraceId)?.traceId, ctx!.traceId);
  assert.equal(parseAmznTraceId(trace.amznTraceId)?.parentSpanId, trace.invokeSpanId);
  assert.equal(trace.parentSpanId, '00f067aa0ba902b7');
});

test('without a caller or an exporter, Sampled follows TracingConfig as before', () => {
  const tracer = new InvocationTracer(undefined, { region: 'r', accountId: 'a' });
  assert.match(tracer.begin(undefined, false).amznTraceId, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
  assert.match(tracer.begin(undefined, true).amznTraceId, /Sampled=1$/);
});
