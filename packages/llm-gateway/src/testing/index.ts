export { createMemoryVault, type MemoryCredential, type MemoryVault } from './memory-vault.js';
export { createRecordingJournal, type RecordingJournal } from './recording-journal.js';
export { createRecordingMetering, type RecordingMetering } from './recording-metering.js';
