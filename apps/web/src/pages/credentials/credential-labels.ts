import type { CredentialType } from '@crewship/contracts';

export const TYPE_LABELS: Record<CredentialType, string> = {
  API_KEY: 'API key',
  OAUTH_TOKEN: 'OAuth token',
  SECRET: 'Secret',
};

/** A priority typed in a field, or null when it is not a whole number from -1000 to 1000. */
export function parsePriority(text: string): number | null {
  if (!/^-?\d+$/.test(text.trim())) return null;
  const value = Number(text);
  return value >= -1000 && value <= 1000 ? value : null;
}
