/** Turning a host's reply into a validated response or an Error with a sentence for people. */
import { CallReplySchema } from '../../../contract/host-protocol';
import { parseResponse, type Channel, type ChannelResponse } from '../../../contract/workbench-api';

/** An error from the host: `kind` says whether the input was at fault. */
export class HostCallError extends Error {
  override name = 'HostCallError';
  constructor(
    message: string,
    readonly kind: 'invalid-input' | 'internal' | 'connection',
  ) {
    super(message);
  }
}

export function unwrapReply<C extends Channel>(channel: C, raw: unknown): ChannelResponse<C> {
  const reply = CallReplySchema.safeParse(raw);
  if (!reply.success) throw new HostCallError(`The workbench host sent an unreadable answer to ${channel}.`, 'internal');
  if (!reply.data.ok) throw new HostCallError(reply.data.error.message, reply.data.error.kind);
  try {
    return parseResponse(channel, reply.data.response);
  } catch (error) {
    throw new HostCallError(`The workbench host's answer to ${channel} did not match the contract: ${(error as Error).message}`, 'internal');
  }
}
