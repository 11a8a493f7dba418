/** Every marker type the scrubber writes as `[REDACTED:<type>]`; `secret` is a literal value from the options. */
export const SCRUB_TYPES = [
  'openssh_private_key',
  'pem_private_key',
  'anthropic_key',
  'openai_key',
  'openrouter_key',
  'google_api_key',
  'cursor_key',
  'factory_token',
  'xai_key',
  'groq_key',
  'github_token',
  'gitlab_token',
  'slack_token',
  'aws_access_key',
  'jwt_bearer',
  'json_secret_field',
  'env_secret_assignment',
  'secret',
] as const;

export type ScrubType = (typeof SCRUB_TYPES)[number];

export function redactionMarker(type: ScrubType): string {
  return `[REDACTED:${type}]`;
}
