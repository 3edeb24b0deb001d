import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import { HTTPParser } from 'http-parser-js';

/** Where a connection goes. */
export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
}

/** What a connection reports about the answer to the request it carries. */
export interface ResponseHandler {
  onHeaders(statusCode: number): void;
  onData(chunk: Buffer): void;
  onComplete(): void;
  /** The request failed; `error.code` says how (`ECONNRESET`, `ECONNREFUSED`, ...). */
  onError(error: Error): void;
}

/** The connection closed under a request (also when the server ends it cleanly). */
function closedUnderRequest(): Error {
  return Object.assign(new Error('loadgen: the server closed the connection under the request'), {
    code: 'ECONNRESET',
  });
}

function badAnswer(reason: Error): Error {
  return Object.assign(new Error(`loadgen: the answer is not valid HTTP/1.1: ${reason.message}`), {
    code: 'HPE_INVALID',
  });
}

/**
 * One keep-alive HTTP/1.1 connection that carries one request at a time, reconnecting
 * whenever the last socket closed. The request is sent as ready-made bytes and the answer is
 * read by http-parser-js, so a request costs one socket write and one parse: the load
 * generator must stay cheaper per request than the server it measures.
 */
export class HttpConnection {
  private socket: Socket | null = null;
  private readonly parser = new HTTPParser(HTTPParser.RESPONSE);
  private handler: ResponseHandler | null = null;
  private keepAlive = true;
  private requestsSent = 0;

  constructor(private readonly endpoint: Endpoint) {
    this.parser[HTTPParser.kOnHeadersComplete] = (info) => {
      this.keepAlive = info.shouldKeepAlive;
      this.handler?.onHeaders(info.statusCode);
    };
    this.parser[HTTPParser.kOnBody] = (chunk) => this.handler?.onData(chunk);
    this.parser[HTTPParser.kOnMessageComplete] = () => this.completed();
  }

  /** Writes `request`; `handler` hears how it ends. One request at a time. */
  send(request: Buffer, handler: ResponseHandler): void {
    this.handler = handler;
    this.requestsSent++;
    (this.socket ?? this.connect()).write(request);
  }

  /** Ends the request in flight with `error` and drops the socket. */
  abort(error: Error): void {
    this.dropSocket();
    this.fail(error);
  }

  close(): void {
    this.handler = null;
    this.dropSocket();
  }

  private connect(): Socket {
    const { host, port } = this.endpoint;
    const socket = this.endpoint.tls
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host })
      : net.connect({ host, port });
    socket.setNoDelay(true);
    this.parser.reinitialize(HTTPParser.RESPONSE);
    this.keepAlive = true;
    socket.on('data', (chunk: Buffer) => this.received(socket, chunk));
    socket.on('end', () => this.ended(socket));
    socket.on('error', (error) => this.lost(socket, error));
    socket.on('close', () => this.lost(socket, closedUnderRequest()));
    this.socket = socket;
    return socket;
  }

  private received(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    if (this.handler === null) {
      this.abort(badAnswer(new Error('data arrived with no request out')));
      return;
    }
    const parsed = this.parser.execute(chunk);
    if (parsed instanceof Error) this.abort(badAnswer(parsed));
  }

  /** The server finished sending: an answer that runs until the close ends here. */
  private ended(socket: Socket): void {
    if (socket !== this.socket) return;
    this.dropSocket();
    const request = this.requestsSent;
    this.parser.finish();
    // Unless finishing completed the answer (and the next request may already be out).
    if (this.requestsSent === request) this.fail(closedUnderRequest());
  }

  private lost(socket: Socket, error: Error): void {
    if (socket !== this.socket) return;
    this.dropSocket();
    this.fail(error);
  }

  private completed(): void {
    const handler = this.handler;
    this.handler = null;
    if (!this.keepAlive) this.dropSocket();
    handler?.onComplete();
  }

  private fail(error: Error): void {
    const handler = this.handler;
    this.handler = null;
    handler?.onError(error);
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    socket?.destroy();
  }
}
