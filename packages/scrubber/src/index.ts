export { createScrubber } from './create-scrubber.js';
export { MIN_SECRET_LENGTH } from './literal-secrets.js';
export { SCRUB_TYPES, type ScrubType } from './scrub-types.js';
