import { describe, expect, it } from 'vitest';
import { USAGE_FIXTURES } from './testing/provider-fixtures.js';
import { UsageTracker } from './usage-tracker.js';

describe('UsageTracker', () => {
  for (const fixture of USAGE_FIXTURES) {
    it(`reads exact usage from ${fixture.name}`, () => {
      const tracker = new UsageTracker(fixture.provider, { contentType: fixture.contentType });
      tracker.push(Buffer.from(fixture.body));
      expect(tracker.end()).toEqual(fixture.usage);
      expect(tracker.found).toBe(true);
      expect(tracker.streamed).toBe(fixture.contentType.includes('event-stream'));
    });

    it(`reads the same usage from ${fixture.name} split into small chunks`, () => {
      const bytes = Buffer.from(fixture.body);
      for (const size of [1, 7, 64]) {
        const tracker = new UsageTracker(fixture.provider, { contentType: fixture.contentType });
        for (let offset = 0; offset < bytes.length; offset += size)
          tracker.push(bytes.subarray(offset, offset + size));
        expect(tracker.end()).toEqual(fixture.usage);
      }
    });
  }

  it('lets a later Anthropic message_delta override input and cache counts when it carries them', () => {
    const tracker = new UsageTracker('anthropic', { contentType: 'text/event-stream' });
    tracker.push(
      Buffer.from(
        'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":10,"output_tokens":1}}}\n\n' +
          'event: message_delta\ndata: {"type":"message_delta","usage":{"input_tokens":12,"cache_read_input_tokens":4,"output_tokens":30}}\n\n',
      ),
    );
    expect(tracker.end()).toEqual({
      inputTokens: 12,
      outputTokens: 30,
      cacheReadTokens: 4,
      cacheWriteTokens: 0,
    });
  });

  it('reports zeros for bodies without usage, malformed JSON, or JSON beyond the parse limit', () => {
    const none = new UsageTracker('openai', { contentType: 'application/json' });
    none.push(Buffer.from('{"error":{"message":"nope"}}'));
    expect(none.end()).toEqual({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect(none.found).toBe(false);

    const broken = new UsageTracker('anthropic', { contentType: 'application/json' });
    broken.push(Buffer.from('{"usage":{"input_tokens":'));
    expect(broken.end().inputTokens).toBe(0);

    const big = new UsageTracker('anthropic', { contentType: 'application/json', maxJsonBytes: 16 });
    big.push(Buffer.from('{"usage":{"input_tokens":5,"output_tokens":6}}'));
    expect(big.end().inputTokens).toBe(0);
  });

  it('ignores usage fields of the wrong type', () => {
    const tracker = new UsageTracker('anthropic', { contentType: 'application/json' });
    tracker.push(Buffer.from('{"usage":{"input_tokens":"12","output_tokens":-3}}'));
    expect(tracker.end().inputTokens).toBe(0);
  });
});
