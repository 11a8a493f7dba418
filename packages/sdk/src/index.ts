export {
  type CrewshipClient,
  type CrewshipClientOptions,
  createCrewshipClient,
  type NdjsonStream,
  type ReencryptResult,
  reencryptResultSchema,
} from './crewship-client.js';
