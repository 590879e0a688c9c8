/**
 * The training process's line to its host, whichever way it was started:
 * - Electron's utilityProcess.fork: `process.parentPort` (messages arrive as `{ data }` events);
 * - Node's child_process.fork: `process.send` / `process.on('message')` (the IPC channel).
 */

export interface ParentChannel {
  readonly kind: 'utility-process' | 'child-process';
  /** Post one message to the host; resolves once it has been handed to the channel. */
  send(message: unknown): Promise<void>;
  onMessage(listener: (message: unknown) => void): void;
  /**
   * The host went away: its IPC channel closed (child_process) or this process was handed to another
   * parent because the host died (both kinds; checked every PARENT_CHECK_INTERVAL_MS).
   */
  onDisconnect(listener: () => void): void;
}

/** How often a child checks that the process that started it is still its parent. */
const PARENT_CHECK_INTERVAL_MS = 1000;

/** Call `listener` once when `proc` gets a new parent process (the one that started it died). */
function watchParent(proc: NodeJS.Process, listener: () => void): void {
  const parent = proc.ppid;
  const timer = setInterval(() => {
    if (proc.ppid === parent) return;
    clearInterval(timer);
    listener();
  }, PARENT_CHECK_INTERVAL_MS);
  timer.unref();
}

/** Electron's parentPort (a MessagePortMain-like object), as far as this module uses it. */
interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

/** Connect to the host, or return null when this process was started by neither. */
export function connectToParent(proc: NodeJS.Process = process): ParentChannel | null {
  const parentPort = (proc as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;
  if (parentPort && typeof parentPort.postMessage === 'function') {
    return {
      kind: 'utility-process',
      send: async (message) => parentPort.postMessage(message),
      onMessage: (listener) => {
        parentPort.on('message', (event) => listener(event?.data));
      },
      onDisconnect: (listener) => watchParent(proc, listener),
    };
  }
  if (typeof proc.send === 'function') {
    return {
      kind: 'child-process',
      send: (message) =>
        new Promise<void>((resolve) => {
          if (!proc.connected) return resolve();
          proc.send!(message, undefined, undefined, (error) => {
            if (error) process.stderr.write(`training process: could not send a message: ${error.message}\n`);
            resolve();
          });
        }),
      onMessage: (listener) => {
        proc.on('message', (message) => listener(message));
      },
      onDisconnect: (listener) => {
        let told = false;
        const once = () => {
          if (told) return;
          told = true;
          listener();
        };
        proc.on('disconnect', once);
        watchParent(proc, once);
      },
    };
  }
  return null;
}
