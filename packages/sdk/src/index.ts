export { type ReencryptResult, reencryptResultSchema } from '@crewship/contracts';
export {
  type CrewshipClient,
  type CrewshipClientOptions,
  createCrewshipClient,
  type NdjsonStream,
} from './crewship-client.js';
export {
  createRealtimeClient,
  type RealtimeClient,
  type RealtimeClientOptions,
  type RealtimeEvent,
  type RealtimeSocket,
  type RealtimeSocketConstructor,
  type RealtimeStatus,
} from './realtime-client.js';
