import { isCrewshipError } from '@crewship/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRealtimeHub, type HubEvent } from './realtime-hub.js';

const seqs = (events: HubEvent[]) => events.map((event) => event.seq);

describe('createRealtimeHub', () => {
  it('numbers each channel from 1 and fans out to every subscriber', () => {
    const hub = createRealtimeHub({ now: () => Date.UTC(2030, 0, 1) });
    const a: HubEvent[] = [];
    const b: HubEvent[] = [];
    hub.subscribe('chat:one', undefined, (event) => a.push(event));
    hub.subscribe('chat:one', undefined, (event) => b.push(event));
    const first = hub.publish('chat:one', 'run.started', { run: 1 });
    hub.publish('workspace:w1', 'container.stats', {});
    hub.publish('chat:one', 'run.completed', { run: 1 });

    expect(first).toEqual({
      channel: 'chat:one',
      seq: 1,
      type: 'run.started',
      data: { run: 1 },
      at: '2030-01-01T00:00:00.000Z',
    });
    expect(seqs(a)).toEqual([1, 2]);
    expect(b).toEqual(a);
    expect(hub.lastSeq('chat:one')).toBe(2);
    expect(hub.lastSeq('workspace:w1')).toBe(1);
    expect(hub.lastSeq('chat:never')).toBe(0);
  });

  it('replays what is buffered after afterSeq, then goes live', () => {
    const hub = createRealtimeHub();
    for (let i = 0; i < 5; i++) hub.publish('chat:c', 'n', i);
    const seen: HubEvent[] = [];
    const subscription = hub.subscribe('chat:c', 2, (event) => seen.push(event));
    expect(seqs(seen)).toEqual([3, 4, 5]);
    expect(subscription.lastSeq).toBe(5);
    expect(subscription.gapFirstSeq).toBeUndefined();
    hub.publish('chat:c', 'n', 5);
    expect(seqs(seen)).toEqual([3, 4, 5, 6]);
    subscription.unsubscribe();
    hub.publish('chat:c', 'n', 6);
    expect(seqs(seen)).toEqual([3, 4, 5, 6]);
  });

  it('without afterSeq delivers only live events', () => {
    const hub = createRealtimeHub();
    hub.publish('chat:c', 'n', 0);
    const seen: HubEvent[] = [];
    expect(hub.subscribe('chat:c', undefined, (event) => seen.push(event)).lastSeq).toBe(1);
    hub.publish('chat:c', 'n', 1);
    expect(seqs(seen)).toEqual([2]);
  });

  it('reports a gap when afterSeq is older than the buffer', () => {
    const hub = createRealtimeHub({ replayBufferSize: 3 });
    for (let i = 0; i < 10; i++) hub.publish('chat:c', 'n', i);
    const seen: HubEvent[] = [];
    const subscription = hub.subscribe('chat:c', 4, (event) => seen.push(event));
    expect(subscription.gapFirstSeq).toBe(8);
    expect(seqs(seen)).toEqual([8, 9, 10]);
    expect(hub.subscribe('chat:c', 7, () => {}).gapFirstSeq).toBeUndefined();
  });

  it('restarts a client that is ahead of the channel (numbering was reset)', () => {
    const hub = createRealtimeHub();
    hub.publish('chat:c', 'n', 0);
    hub.publish('chat:c', 'n', 1);
    const seen: HubEvent[] = [];
    const subscription = hub.subscribe('chat:c', 40, (event) => seen.push(event));
    expect(subscription.gapFirstSeq).toBe(1);
    expect(seqs(seen)).toEqual([1, 2]);
    expect(createRealtimeHub().subscribe('chat:empty', 3, () => {}).gapFirstSeq).toBe(1);
  });

  it('keeps order when a listener publishes while the hub is dispatching', () => {
    const hub = createRealtimeHub();
    const first: number[] = [];
    const second: number[] = [];
    hub.subscribe('chat:c', undefined, (event) => {
      first.push(event.seq);
      if (event.seq < 3) hub.publish('chat:c', 'echo', null);
    });
    hub.subscribe('chat:c', undefined, (event) => second.push(event.seq));
    hub.publish('chat:c', 'n', null);
    expect(first).toEqual([1, 2, 3]);
    expect(second).toEqual([1, 2, 3]);
  });

  it('keeps order when a listener publishes during its own replay', () => {
    const hub = createRealtimeHub();
    hub.publish('chat:c', 'n', null);
    hub.publish('chat:c', 'n', null);
    const other: number[] = [];
    hub.subscribe('chat:c', undefined, (event) => other.push(event.seq));
    const seen: number[] = [];
    hub.subscribe('chat:c', 0, (event) => {
      seen.push(event.seq);
      if (event.seq === 1) hub.publish('chat:c', 'echo', null);
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(other).toEqual([3]);
  });

  it('does not duplicate to a subscriber added by a listener mid-dispatch', () => {
    const hub = createRealtimeHub();
    const late: number[] = [];
    hub.subscribe('chat:c', undefined, (event) => {
      if (event.seq === 2) hub.subscribe('chat:c', 0, (inner) => late.push(inner.seq));
    });
    hub.publish('chat:c', 'n', null);
    hub.publish('chat:c', 'n', null);
    hub.publish('chat:c', 'n', null);
    expect(late).toEqual([1, 2, 3]);
  });

  it('does not duplicate queued events to a subscriber added while they wait', () => {
    const hub = createRealtimeHub();
    const replaying: number[] = [];
    const live: number[] = [];
    hub.subscribe('chat:c', undefined, (event) => {
      if (event.seq !== 1) return;
      hub.publish('chat:c', 'echo', null);
      hub.subscribe('chat:c', 0, (inner) => replaying.push(inner.seq));
      hub.subscribe('chat:c', undefined, (inner) => live.push(inner.seq));
    });
    hub.publish('chat:c', 'n', null);
    hub.publish('chat:c', 'n', null);
    expect(replaying).toEqual([1, 2, 3]);
    expect(live).toEqual([3]);
  });

  it('isolates a throwing listener from the others', () => {
    const errors: unknown[] = [];
    const hub = createRealtimeHub({
      logger: {
        debug() {},
        info() {},
        warn() {},
        error: (_message, fields) => errors.push(fields?.error),
        child() {
          return this;
        },
      },
    });
    const seen: number[] = [];
    hub.subscribe('chat:c', undefined, () => {
      throw new Error('boom');
    });
    hub.subscribe('chat:c', undefined, (event) => seen.push(event.seq));
    hub.publish('chat:c', 'n', null);
    hub.publish('chat:c', 'n', null);
    expect(seen).toEqual([1, 2]);
    expect(errors).toHaveLength(2);
  });

  it('rejects invalid channels, types and afterSeq', () => {
    const hub = createRealtimeHub();
    const kinds = [
      () => hub.publish('team:1', 'n', null),
      () => hub.publish('chat:', 'n', null),
      () => hub.publish('chat:a', '', null),
      () => hub.subscribe('chat:a/b', undefined, () => {}),
      () => hub.subscribe('chat:a', -1, () => {}),
      () => hub.subscribe('chat:a', 1.5, () => {}),
    ].map((call) => {
      try {
        call();
        return 'no error';
      } catch (error) {
        return isCrewshipError(error) ? error.kind : 'other';
      }
    });
    expect(kinds).toEqual(Array(6).fill('invalid_input'));
  });

  it('drops the least recently used channel without subscribers when full', () => {
    const hub = createRealtimeHub({ maxChannels: 2 });
    hub.subscribe('chat:kept', undefined, () => {});
    hub.publish('chat:kept', 'n', null);
    hub.publish('chat:old', 'n', null);
    hub.publish('chat:new', 'n', null);
    expect(hub.lastSeq('chat:old')).toBe(0);
    expect(hub.lastSeq('chat:kept')).toBe(1);
    expect(hub.lastSeq('chat:new')).toBe(1);
    let kind = '';
    try {
      hub.subscribe('chat:new', undefined, () => {});
      hub.publish('chat:third', 'n', null);
    } catch (error) {
      kind = isCrewshipError(error) ? error.kind : 'other';
    }
    expect(kind).toBe('unavailable');
  });

  it('drops idle channels without subscribers, keeps those with subscribers', () => {
    let time = 0;
    const hub = createRealtimeHub({ idleChannelMs: 60_000, now: () => time });
    hub.publish('chat:idle', 'n', null);
    const subscription = hub.subscribe('chat:watched', undefined, () => {});
    hub.publish('chat:watched', 'n', null);
    time = 61_000;
    hub.publish('chat:other', 'n', null);
    expect(hub.lastSeq('chat:idle')).toBe(0);
    expect(hub.lastSeq('chat:watched')).toBe(1);
    subscription.unsubscribe();
    time = 200_000;
    hub.publish('chat:other', 'n', null);
    expect(hub.lastSeq('chat:watched')).toBe(0);
  });
});

type Command =
  | { op: 'publish'; channel: number }
  | { op: 'connect'; client: number; channel: number }
  | { op: 'disconnect'; client: number };

const CHANNELS = ['chat:a', 'chat:b', 'workspace:w'];
const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('publish' as const), channel: fc.nat(2) }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('connect' as const), client: fc.nat(3), channel: fc.nat(2) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('disconnect' as const), client: fc.nat(3) }) },
);

/**
 * Plays the commands like clients that remember their last seen seq per channel and reconnect with it, and
 * checks every delivery against a model: exactly the next seq, or the reported gap's first seq.
 */
function play(commands: Command[], replayBufferSize: number) {
  const hub = createRealtimeHub({ replayBufferSize });
  const published = new Map<string, number>();
  const sessions = new Map<number, { id: string; unsubscribe(): void }>();
  const lastSeen = new Map<string, number>();
  const received = new Map<string, number[]>();
  const gaps: number[] = [];
  const violations: string[] = [];
  for (const command of commands) {
    if (command.op === 'publish') {
      const channel = CHANNELS[command.channel]!;
      hub.publish(channel, 'n', null);
      published.set(channel, (published.get(channel) ?? 0) + 1);
      continue;
    }
    sessions.get(command.client)?.unsubscribe();
    sessions.delete(command.client);
    if (command.op === 'disconnect') continue;
    const channel = CHANNELS[command.channel]!;
    const id = `${command.client}/${channel}`;
    const list = received.get(id) ?? [];
    received.set(id, list);
    const after = lastSeen.get(id);
    const modelLast = published.get(channel) ?? 0;
    const firstBuffered = Math.max(1, modelLast - replayBufferSize + 1);
    const modelGap = after !== undefined && after + 1 < firstBuffered ? firstBuffered : undefined;
    let expected = modelGap ?? (after ?? modelLast) + 1;
    const accept = (seq: number) => {
      if (seq !== expected) violations.push(`${id}: got ${seq}, expected ${expected}`);
      expected = seq + 1;
      lastSeen.set(id, seq);
      list.push(seq);
    };
    const subscription = hub.subscribe(channel, after, (event) => accept(event.seq));
    if (subscription.lastSeq !== modelLast) violations.push(`${id}: lastSeq ${subscription.lastSeq}`);
    if (subscription.gapFirstSeq !== modelGap) {
      violations.push(`${id}: gap ${subscription.gapFirstSeq}, expected ${modelGap}`);
    }
    if (modelGap !== undefined) gaps.push(modelGap);
    if (after === undefined) lastSeen.set(id, modelLast);
    sessions.set(command.client, { id, unsubscribe: subscription.unsubscribe });
  }
  for (const { id } of sessions.values()) {
    const channel = id.slice(id.indexOf('/') + 1);
    if ((lastSeen.get(id) ?? 0) !== (published.get(channel) ?? 0))
      violations.push(`${id}: behind at the end`);
  }
  return { violations, received, gaps };
}

describe('createRealtimeHub (property)', () => {
  it('with a buffer that never overflows, a reconnecting client sees every seq exactly once, in order', () => {
    fc.assert(
      fc.property(fc.array(commandArbitrary, { maxLength: 200, size: 'max' }), (commands) => {
        const { violations, received, gaps } = play(commands, 1000);
        expect(violations).toEqual([]);
        expect(gaps).toEqual([]);
        for (const list of received.values()) {
          expect(list).toEqual(list.map((_, index) => list[0]! + index));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('with a tiny buffer, every delivery is the next seq or the start of a reported gap', () => {
    let sawGap = false;
    fc.assert(
      fc.property(fc.array(commandArbitrary, { maxLength: 200, size: 'max' }), (commands) => {
        const { violations, gaps } = play(commands, 3);
        sawGap ||= gaps.length > 0;
        expect(violations).toEqual([]);
      }),
      { numRuns: 500 },
    );
    expect(sawGap).toBe(true);
  });
});
