export { type ReencryptResult, reencryptResultSchema } from '@crewship/contracts';
export {
  type CrewshipClient,
  type CrewshipClientOptions,
  createCrewshipClient,
  type NdjsonStream,
} from './crewship-client.js';
