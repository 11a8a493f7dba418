export { createSqliteCrewServices, type CrewServicesOptions } from './sqlite-crew-services.js';
