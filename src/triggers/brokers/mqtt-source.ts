// An MQTT 5 topic filter on a broker such as Mosquitto, read through a shared subscription
// ($share/<group>/<filter>) so that several Gust nodes compete for each message. QoS 1; the
// PUBACK of a message is held back until its batch is dealt with, so that an unacknowledged
// message comes back (persistent session) when Gust dies mid-batch.
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import type { BrokerSource, ReadWindow, SourceContext } from './broker-source.js';
import { MessageBuffer } from './message-buffer.js';

interface MqttMessage {
  packet: IPublishPacket;
  /** Sends the held PUBACK. */
  ack: () => void;
}

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: () => void) => void;

export class MqttSource implements BrokerSource<MqttMessage> {
  private client?: MqttClient;
  private readonly buffer: MessageBuffer<MqttMessage>;

  constructor(private readonly ctx: SourceContext) {
    this.buffer = new MessageBuffer(ctx.clock);
  }

  async connect(): Promise<void> {
    const client = await mqtt.connectAsync(this.ctx.spec.urls[0], {
      protocolVersion: 5,
      clientId: `${this.ctx.consumer}-${this.ctx.uuid}`.slice(0, 64),
      clean: false,
      // The broker keeps the session (and its unacknowledged messages) across a restart of Gust.
      properties: { sessionExpiryInterval: 3600, receiveMaximum: Math.min(Math.max(this.ctx.batchSize * 2, 10), 65_535) },
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    this.client = client;
    // mqtt.js sends a QoS 1 PUBACK as soon as handleMessage calls back, and reads no further packet
    // until it does: so it calls back at once and the PUBACK itself waits here until ack().
    const send = (client as unknown as { _sendPacket: SendPacket })._sendPacket.bind(client);
    const held = new Map<number, { cmd: string; messageId?: number }>();
    (client as unknown as { _sendPacket: SendPacket })._sendPacket = (packet, cb) => {
      if (packet.cmd === 'puback' && packet.messageId !== undefined && held.has(-packet.messageId)) {
        held.delete(-packet.messageId);
        held.set(packet.messageId, packet);
        cb?.();
        return;
      }
      send(packet, cb);
    };
    client.handleMessage = (packet, done) => {
      const id = packet.messageId;
      if (id !== undefined && packet.qos === 1) held.set(-id, packet as never);
      this.buffer.push({
        packet,
        ack: () => {
          const puback = id !== undefined ? held.get(id) : undefined;
          if (puback && id !== undefined) {
            held.delete(id);
            send(puback);
          }
        },
      });
      done();
    };
    const lost = (err?: Error) => this.buffer.fail(err ?? new Error('the MQTT broker closed the connection'));
    client.on('close', () => lost());
    client.on('error', (err) => lost(err));
    client.on('disconnect', () => lost());
    const topic = this.ctx.spec.topics[0];
    const granted = await client.subscribeAsync(`$share/${this.ctx.group}/${topic}`, { qos: 1 });
    if (granted.some((g) => g.qos > 2)) throw new Error(`the MQTT broker refused the subscription to ${topic}`);
  }

  read(window: ReadWindow): Promise<MqttMessage[]> {
    return this.buffer.take(window);
  }

  /** One message and BatchSize 1: the payload itself, as an IoT rule hands it over; otherwise Records. */
  event(batch: MqttMessage[]): unknown {
    if (this.ctx.batchSize === 1 && batch.length === 1) {
      const json = parseJson(batch[0].packet.payload);
      if (json !== undefined) return json;
    }
    return {
      Records: batch.map(({ packet }) => ({
        eventSource: 'gust:mqtt',
        eventSourceARN: this.ctx.sourceArn,
        topic: packet.topic,
        qos: packet.qos,
        retain: packet.retain,
        data: Buffer.from(packet.payload).toString('base64'),
        payload: parseJson(packet.payload) ?? null,
        userProperties: packet.properties?.userProperties ?? {},
      })),
    };
  }

  async ack(batch: MqttMessage[]): Promise<void> {
    for (const m of batch) m.ack();
  }

  reject(batch: MqttMessage[]): Promise<void> {
    return this.ack(batch); // MQTT has no dead-lettering: a message given up on is dropped
  }

  describe(batch: MqttMessage[]) {
    return { topics: [...new Set(batch.map((m) => m.packet.topic))] };
  }

  async close(): Promise<void> {
    this.buffer.fail(new Error('closed'));
    await this.client?.endAsync(true).catch(() => {});
  }
}

function parseJson(payload: Buffer | string): unknown {
  try {
    return JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return undefined;
  }
}
