export {
  createFakeProvider,
  type FakeProvider,
  type FakeProviderKind,
  type FakeProviderOptions,
  type FakeScript,
} from './fake-provider.js';
export { DEFAULT_USAGE, type FakeReply, type FakeUsage, parseFakeReply } from './fake-reply.js';
export {
  createServerSentEventParser,
  parseServerSentEvents,
  readServerSentEvents,
  type ServerSentEvent,
  type ServerSentEventParser,
} from './server-sent-events.js';
export type { RecordedRequest } from './wire.js';
