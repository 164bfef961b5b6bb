/** The API key lookup for front ends (the CLI reaches activities/ through services/ only). */
export { findApiKey, requireApiKey } from '../activities/api-key';
