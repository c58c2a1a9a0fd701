// Messages pushed by a broker (MQTT, NATS, RabbitMQ) wait here until the runner takes a batch:
// take() waits for the first, then gathers more within the batching window. A lost connection
// fails the buffer, so that a waiting take() throws and the runner reconnects.
import type { Clock } from '../../clock.js';
import type { ReadWindow } from './broker-source.js';

export class MessageBuffer<M> {
  private items: M[] = [];
  private wake?: () => void;
  private error?: Error;

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.items.length;
  }

  push(message: M): void {
    this.items.push(message);
    this.wake?.();
  }

  fail(error: Error): void {
    this.error ??= error;
    this.wake?.();
  }

  async take({ max, firstWaitMs, windowMs, signal }: ReadWindow): Promise<M[]> {
    await this.until(() => this.items.length > 0, firstWaitMs, signal);
    if (windowMs > 0) await this.until(() => this.items.length >= max, windowMs, signal);
    if (this.error) throw this.error;
    return this.items.splice(0, max);
  }

  private until(done: () => boolean, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!done() && !this.error && !signal.aborted) return;
        finish();
      };
      const timer = this.clock.setTimeout(() => finish(), ms);
      const finish = () => {
        timer.clear();
        this.wake = undefined;
        signal.removeEventListener('abort', finish);
        resolve();
      };
      signal.addEventListener('abort', finish);
      this.wake = check;
      check();
    });
  }
}
