// Where the node-hold fixture function reports that its invocation started, and waits to be let
// go: a test knows without sleeping that an invocation is in flight, and decides when it ends.
import net from 'node:net';

/** Where the node-hold function reports that its invocation started, and waits to be let go. */
export class HoldPoint {
  private readonly server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    socket.once('data', () => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(socket);
      else this.arrived.push(socket);
    });
  });
  private readonly arrived: net.Socket[] = [];
  private readonly waiters: ((socket: net.Socket) => void)[] = [];

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Resolves when the next invocation has started, with the line to let it finish. */
  started(): Promise<net.Socket> {
    const socket = this.arrived.shift();
    return socket ? Promise.resolve(socket) : new Promise((resolve) => this.waiters.push(resolve));
  }

  close() {
    this.server.close();
  }
}
