import { z } from 'zod';

/**
 * WebSocket `/ws` protocol. Channels: `workspace:<id>` (container stats, run status, journal) and
 * `chat:<id>` (the chat's run events) and `user:<id>` (the user's own: `inbox.count`). Every channel numbers its messages from 1; the server keeps a
 * replay buffer per channel so a client that reconnects with `after_seq` misses nothing still buffered.
 */
export const CHANNEL_PATTERN = /^(workspace|chat|user):[A-Za-z0-9_-]{1,64}$/;
export const channelSchema = z
  .string()
  .regex(CHANNEL_PATTERN, 'must be workspace:<id>, chat:<id> or user:<id>');

export const wsClientMessageSchema = z.discriminatedUnion('op', [
  z.strictObject({
    op: z.literal('subscribe'),
    channel: channelSchema,
    /** Replay everything after this sequence number that is still buffered. */
    after_seq: z.number().int().nonnegative().optional(),
  }),
  z.strictObject({ op: z.literal('unsubscribe'), channel: channelSchema }),
  z.strictObject({ op: z.literal('ping') }),
]);
export type WsClientMessage = z.infer<typeof wsClientMessageSchema>;

export const wsServerMessageSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('event'),
    channel: z.string(),
    seq: z.number().int().positive(),
    type: z.string(),
    data: z.unknown(),
    at: z.string(),
  }),
  z.object({ op: z.literal('subscribed'), channel: z.string(), last_seq: z.number().int().nonnegative() }),
  /** The requested `after_seq` is older than the buffer: `first_seq` is the oldest still replayable. */
  z.object({ op: z.literal('gap'), channel: z.string(), first_seq: z.number().int().positive() }),
  z.object({ op: z.literal('unsubscribed'), channel: z.string() }),
  z.object({ op: z.literal('pong') }),
  z.object({ op: z.literal('error'), message: z.string(), channel: z.string().optional() }),
]);
export type WsServerMessage = z.infer<typeof wsServerMessageSchema>;

export const wsTokenSchema = z.object({ token: z.string(), expires_at: z.string() });

/** Server-side fan-out: publish to a channel; subscribers get it with the channel's next seq. */
export interface RealtimePublisher {
  publish(channel: string, type: string, data: unknown): void;
}
