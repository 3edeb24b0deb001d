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

const STRAY_ANSWER = new Error('an answer arrived with no request out');

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
  /** The request out on this connection, until its answer ends. */
  private handler: ResponseHandler | null = null;
  /** Whose answer the parser has just finished, told once the parser returns. */
  private answered: ResponseHandler | null = null;
  private keepAlive = true;
  /** The answer being read is a 1xx interim one (100 Continue, 103 Early Hints). */
  private interim = false;
  /** The server sent an answer with no request out: answers no longer match requests. */
  private outOfStep = false;

  constructor(private readonly endpoint: Endpoint) {
    this.parser[HTTPParser.kOnHeadersComplete] = (info) => this.headersRead(info.statusCode, info);
    this.parser[HTTPParser.kOnBody] = (chunk) => this.handler?.onData(chunk);
    this.parser[HTTPParser.kOnMessageComplete] = () => this.answerRead();
  }

  /** Writes `request`; `handler` hears how it ends. One request at a time. */
  send(request: Buffer, handler: ResponseHandler): void {
    this.handler = handler;
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
    this.interim = false;
    this.outOfStep = false;
    socket.on('data', (chunk: Buffer) => this.received(socket, chunk));
    socket.on('end', () => this.ended(socket));
    socket.on('error', (error) => this.lost(socket, error));
    socket.on('close', () => this.lost(socket, closedUnderRequest()));
    this.socket = socket;
    return socket;
  }

  private headersRead(statusCode: number, info: { shouldKeepAlive: boolean }): void {
    if (this.handler === null) {
      this.outOfStep = true;
      return;
    }
    this.interim = statusCode >= 100 && statusCode < 200 && statusCode !== 101;
    if (this.interim) return;
    // 101 Switching Protocols: the connection no longer speaks HTTP/1.1.
    this.keepAlive = info.shouldKeepAlive && statusCode !== 101;
    this.handler.onHeaders(statusCode);
  }

  private answerRead(): void {
    if (this.interim) {
      this.interim = false;
      return;
    }
    // An answer with no request out was already marked out of step by its headers.
    if (this.handler === null) return;
    this.answered = this.handler;
    this.handler = null;
  }

  /**
   * Parses what arrived, then reports: never from inside the parser, so that the next
   * request, which the report may send at once, never meets the rest of this chunk.
   */
  private received(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    if (this.handler === null) this.outOfStep = true;
    const parsed = this.parser.execute(chunk);
    const answered = this.takeAnswered();
    const broken = parsed instanceof Error || this.outOfStep;
    if (broken || (answered !== null && !this.keepAlive)) this.dropSocket();
    if (answered !== null) answered.onComplete();
    else if (broken) this.fail(badAnswer(parsed instanceof Error ? parsed : STRAY_ANSWER));
  }

  /** The server finished sending: an answer that runs until the close ends here. */
  private ended(socket: Socket): void {
    if (socket !== this.socket) return;
    this.dropSocket();
    this.parser.finish();
    const answered = this.takeAnswered();
    if (answered !== null) answered.onComplete();
    else this.fail(closedUnderRequest());
  }

  private lost(socket: Socket, error: Error): void {
    if (socket !== this.socket) return;
    this.dropSocket();
    this.fail(error);
  }

  private takeAnswered(): ResponseHandler | null {
    const answered = this.answered;
    this.answered = null;
    return answered;
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
