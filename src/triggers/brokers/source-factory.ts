// Which source reads which kind of broker mapping.
import type { BrokerKind } from '../../storage/event-source-mapping-store.js';
import type { BrokerSource, SourceContext } from './broker-source.js';
import { JetStreamSource } from './jetstream-source.js';
import { MqttSource } from './mqtt-source.js';
import { NatsSource } from './nats-source.js';
import { PostgresChangeSource } from './postgres-source.js';
import { RabbitMqSource } from './rabbitmq-source.js';
import { RedisStreamSource } from './redis-source.js';

const SOURCES: Record<BrokerKind, new (ctx: SourceContext) => BrokerSource<any>> = {
  mqtt: MqttSource,
  nats: NatsSource,
  jetstream: JetStreamSource,
  rabbitmq: RabbitMqSource,
  redis: RedisStreamSource,
  postgres: PostgresChangeSource,
};

export const brokerSource = (ctx: SourceContext): BrokerSource<unknown> => new SOURCES[ctx.spec.kind](ctx);
