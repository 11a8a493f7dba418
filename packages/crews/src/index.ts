export { type CrewServicesOptions, createSqliteCrewServices } from './sqlite-crew-services.js';
