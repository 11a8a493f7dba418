export { CREDENTIAL_SAMPLES, ORDINARY_SAMPLES, sampleToken, seededRandom } from './credential-samples.js';
