import { createFakeProvider } from '@crewship/testkit';
import { announceListening } from '@crewship/tooling-bench';

/**
 * Child process for the gateway benches: the project's fake Anthropic provider (@crewship/testkit) on
 * 127.0.0.1, answering every call with the same text. Arg: the text's length in KiB (default: "Hi!").
 * A streamed answer is one `content_block_delta` event per word, as the real API sends it.
 */
const kib = Number(process.argv[2] ?? 0);
const text = kib > 0 ? 'lorem ipsum dolor sit amet '.repeat(Math.ceil((kib * 1024) / 27)) : 'Hi!';
const provider = await createFakeProvider({ kind: 'anthropic', script: () => ({ text }) });
announceListening({ url: provider.url, close: () => provider.close() });
