export {
  type CrewshipClient,
  type CrewshipClientOptions,
  createCrewshipClient,
  type NdjsonStream,
} from './crewship-client.js';
