// The runtime channel: the framed protocol of runtime-frames.ts on the socket pair a sandbox
// inherits (one per instance, so it can only ever carry that instance's traffic). It translates
// frames to the same calls on the instance as the HTTP Runtime API does. Nothing is acknowledged:
// the runtime writes its outcome and its next `next` and waits for an invocation frame. A runtime
// that sends anything malformed is reported through `broken` (the instance stops it).
import type { Duplex } from 'node:stream';
import type { Invocation } from './invocation.js';
import { encodeInvocation, FrameDecoder, FrameError, FrameType, type RuntimeFrame } from './runtime-frames.js';
import type { ParkedRuntime, RuntimeHandlers } from './runtime-handlers.js';
import { MAX_RESPONSE_BYTES } from './runtime-api-server.js';
import type { StreamedResponseReceiver } from './streamed-response.js';

/** Room for the request id and error type next to a response of the largest accepted size. */
const MAX_FRAME_BYTES = MAX_RESPONSE_BYTES + 64 * 1024;

export interface RuntimeChannel {
  close(): void;
}

export function attachRuntimeChannel(socket: Duplex, handlers: RuntimeHandlers, broken: (reason: string) => void): RuntimeChannel {
  const decoder = new FrameDecoder({ maxFrameBytes: MAX_FRAME_BYTES, onOversized: (_type, requestId) => handlers.responseTooLarge(requestId) });
  // One object for the life of the channel: parking allocates nothing.
  const parked: ParkedRuntime = {
    deliver(inv: Invocation, deadlineMs: number) {
      socket.write(encodeInvocation({ requestId: inv.requestId, deadlineMs, arn: inv.invokedFunctionArn, traceId: inv.traceId, clientContext: inv.clientContext, payload: inv.payload }));
    },
    abandon: () => socket.destroy(),
  };
  /** The streamed response in progress: a receiver, 'refused' (its chunks are dropped), or none. */
  let stream: StreamedResponseReceiver | 'refused' | null = null;
  let failed = false;

  const text = (field: Buffer) => field.toString('utf8');
  function dispatch(frame: RuntimeFrame) {
    const f = frame.fields;
    switch (frame.type) {
      case FrameType.next:
        return handlers.next(parked);
      case FrameType.response:
        return void handlers.response(text(f[0]), f[1]);
      case FrameType.error:
        return void handlers.error(text(f[0]), text(f[1]) || 'Runtime.Unknown', f[2]);
      case FrameType.initError:
        return void handlers.initError(text(f[0]) || 'Runtime.Unknown', f[1]);
      case FrameType.streamStart: {
        if (stream !== null) throw new FrameError('a streamed response began inside another');
        const receiver = handlers.streamStart(text(f[0]), text(f[1]) || 'application/octet-stream');
        stream = 'status' in receiver ? 'refused' : receiver;
        return;
      }
      case FrameType.streamChunk:
        if (stream === null) throw new FrameError('a stream chunk outside a streamed response');
        if (stream !== 'refused') stream.write(f[0]);
        return;
      case FrameType.streamEnd: {
        if (stream === null) throw new FrameError('a stream end outside a streamed response');
        const receiver = stream;
        stream = null;
        if (receiver !== 'refused') receiver.end(text(f[0]) || undefined, f[1]);
        return;
      }
    }
  }

  socket.on('data', (chunk: Buffer) => {
    if (failed) return;
    try {
      for (const frame of decoder.push(chunk)) dispatch(frame);
    } catch (err) {
      // Whatever the runtime sent, only its own instance pays for it.
      failed = true;
      socket.destroy();
      broken(err instanceof FrameError ? err.message : `internal error: ${(err as Error)?.message ?? err}`);
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => handlers.nextAbandoned(parked));
  return { close: () => socket.destroy() };
}
