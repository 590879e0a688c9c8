/**
 * The browser-mode WebSocket (/ws): {id, channel, request} calls answered with {id, ok, response | error};
 * run events and dataset-reading progress pushed as streams.
 *
 * A connection is one client's: whatever it sends — a frame over the size limit, invalid UTF-8, an
 * unmasked frame, a reserved opcode or RSV bit, a bad close code, a broken TCP stream — ends that
 * connection only (with the close code the protocol prescribes) and never the server, its runs or other
 * clients. Every socket and WebSocket has an 'error' handler for this reason. A client that stops reading
 * (so that more than maxBufferedBytes wait to be sent to it) is disconnected rather than held in memory.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { WS_PATH, WsCallSchema, type WsServerFrame } from '../contract/host-protocol.js';
import { DATASET_PROGRESS_STREAM, RUN_EVENT_STREAM } from '../contract/workbench-api.js';
import type { WorkbenchHost } from '../services/workbench-host.js';
import { toCallError } from '../services/workbench-host.js';
import type { ServerAccess } from './auth.js';
import { requestUrl } from './replies.js';

/** Largest frame a client may send (a call is small; the limit only bounds memory). */
export const MAX_WS_PAYLOAD_BYTES = 16 * 1024 * 1024;
/** Most the server holds for a client that does not read what it is sent; past it the connection is ended. */
export const MAX_WS_BUFFERED_BYTES = 64 * 1024 * 1024;

interface WorkbenchSockets {
  /** Handle an HTTP upgrade request (the server's 'upgrade' event). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** End every connection. */
  close(): Promise<void>;
}

function reject(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** Parse a client frame into a call, or say why it is not one (with the id to answer, when it has one). */
function parseCall(data: RawData, isBinary: boolean): { call: ReturnType<typeof WsCallSchema.parse> } | { answerId: number | null } {
  let parsed: unknown;
  try {
    parsed = isBinary ? undefined : JSON.parse(data.toString());
  } catch {
    parsed = undefined;
  }
  const call = WsCallSchema.safeParse(parsed);
  if (call.success) return { call: call.data };
  const id = (parsed as { id?: unknown } | null | undefined)?.id;
  return { answerId: typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : null };
}

export function createWorkbenchSockets(host: WorkbenchHost, access: ServerAccess, log: (text: string) => void, maxBufferedBytes = MAX_WS_BUFFERED_BYTES): WorkbenchSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD_BYTES });

  function serve(ws: WebSocket): void {
    const send = (frame: WsServerFrame) => {
      if (ws.readyState !== ws.OPEN) return;
      let text: string;
      try {
        text = JSON.stringify(frame);
      } catch (error) {
        if (!('id' in frame)) return log(`a pushed ${frame.stream} frame could not be serialized: ${(error as Error).message}`);
        text = JSON.stringify({ id: frame.id, ok: false, error: { kind: 'internal', message: 'The answer could not be sent.' } });
      }
      // Judged on what was already waiting, so one large answer to a client that reads still goes out.
      if (ws.bufferedAmount > maxBufferedBytes) {
        log(`disconnected a WebSocket client that does not read: ${ws.bufferedAmount} bytes were waiting for it`);
        ws.terminate();
        return;
      }
      ws.send(text, (error) => {
        if (error) log(`a WebSocket send failed: ${error.message}`);
      });
    };
    const unsubscribeRuns = host.onRunEvent((event) => send({ stream: RUN_EVENT_STREAM, event }));
    const unsubscribeProgress = host.onDatasetProgress((event) => send({ stream: DATASET_PROGRESS_STREAM, event }));
    ws.on('close', () => {
      unsubscribeRuns();
      unsubscribeProgress();
    });
    // A protocol error: ws has already started closing this connection with the right code.
    ws.on('error', (error) => log(`closed a WebSocket connection: ${error.message}`));
    ws.on('message', (data, isBinary) => {
      const parsed = parseCall(data, isBinary);
      if (!('call' in parsed)) {
        if (parsed.answerId !== null) {
          send({ id: parsed.answerId, ok: false, error: { kind: 'invalid-input', message: 'A call needs a numeric id, a channel name and a request.' } });
        } else {
          log('ignored a WebSocket frame that is not a call');
        }
        return;
      }
      const { id, channel, request } = parsed.call;
      Promise.resolve()
        .then(() => host.call(channel, request))
        .then(
          (response) => send({ id, ok: true, response: response ?? null }),
          (error: unknown) => {
            const callError = toCallError(error);
            if (callError.kind === 'internal') log(`${channel} failed: ${(error as Error)?.stack ?? String(error)}`);
            send({ id, ok: false, error: callError });
          },
        )
        .catch((error: unknown) => log(`answering ${channel} failed: ${(error as Error)?.message ?? String(error)}`));
    });
  }

  return {
    upgrade(req, socket, head) {
      // A reset or broken stream during or after the handshake ends this socket only.
      socket.on('error', (error) => log(`a WebSocket socket failed: ${error.message}`));
      const why = access.refusal(req, 'api');
      if (why) return reject(socket, '403 Forbidden');
      if (requestUrl(req).pathname !== WS_PATH) return reject(socket, '404 Not Found');
      wss.handleUpgrade(req, socket, head, serve);
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
    },
  };
}
