export { type CrewshipClient, type CrewshipClientOptions, createCrewshipClient } from './crewship-client.js';
