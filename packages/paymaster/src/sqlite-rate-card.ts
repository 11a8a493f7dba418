import { CrewshipError, type RatePrice, setRatePriceRequestSchema } from '@crewship/contracts';
import type { CrewshipDatabase } from '@crewship/db';
import type { PaymasterRates } from './paymaster.js';
import { parseInput } from './paymaster-schemas.js';
import { DEFAULT_RATE_CARD, findRate, normalizeModel, type RateCardEntry } from './rate-card.js';
import { isForeignKeyViolation, type RateRow } from './rows.js';

export interface SqliteRateCard extends PaymasterRates {
  /** The workspace's own entries first (exact, then longest glob), then the defaults. */
  priceFor(workspaceId: string, provider: string, model: string | null): RateCardEntry | null;
}

const keyOf = (rate: { provider: string; model: string }) =>
  `${rate.provider}\n${normalizeModel(rate.model)}`;
const toPrice = ({ workspace_id: _workspace, updated_at: _updated, ...price }: RateRow): RatePrice => ({
  ...price,
  source: 'workspace',
});

export function createSqliteRateCard(database: CrewshipDatabase, clock: () => Date): SqliteRateCard {
  const { sqlite } = database;
  const ofWorkspace = sqlite.prepare<[string], RateRow>(
    'SELECT * FROM rate_card WHERE workspace_id = ? ORDER BY provider, model',
  );
  const ofProvider = sqlite.prepare<[string, string], RateRow>(
    'SELECT * FROM rate_card WHERE workspace_id = ? AND provider = ?',
  );
  const upsert = sqlite.prepare<RateRow>(
    `INSERT INTO rate_card (workspace_id, provider, model, input_per_m, output_per_m, cache_read_per_m,
       cache_write_per_m, updated_at)
     VALUES (@workspace_id, @provider, @model, @input_per_m, @output_per_m, @cache_read_per_m,
       @cache_write_per_m, @updated_at)
     ON CONFLICT (workspace_id, provider, model) DO UPDATE SET input_per_m = excluded.input_per_m,
       output_per_m = excluded.output_per_m, cache_read_per_m = excluded.cache_read_per_m,
       cache_write_per_m = excluded.cache_write_per_m, updated_at = excluded.updated_at`,
  );

  return {
    priceFor(workspaceId, provider, model) {
      return (
        findRate(ofProvider.all(workspaceId, provider), provider, model) ??
        findRate(DEFAULT_RATE_CARD, provider, model)
      );
    },

    list(workspaceId) {
      const overrides = ofWorkspace.all(workspaceId).map(toPrice);
      const overridden = new Set(overrides.map(keyOf));
      const defaults = DEFAULT_RATE_CARD.filter((rate) => !overridden.has(keyOf(rate))).map(
        (rate): RatePrice => ({ ...rate, source: 'default' }),
      );
      return [...overrides, ...defaults].sort(
        (a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model),
      );
    },

    set(workspaceId, input) {
      const request = parseInput(setRatePriceRequestSchema, input, 'rate');
      // Omitted cache prices: Anthropic's fixed multipliers, else the input price (an upper bound).
      const anthropic = request.provider === 'anthropic';
      const times = (factor: number) => Math.round(request.input_per_m * factor * 1e6) / 1e6;
      const row: RateRow = {
        workspace_id: workspaceId,
        provider: request.provider,
        model: normalizeModel(request.model),
        input_per_m: request.input_per_m,
        output_per_m: request.output_per_m,
        cache_read_per_m: request.cache_read_per_m ?? times(anthropic ? 0.1 : 1),
        cache_write_per_m: request.cache_write_per_m ?? times(anthropic ? 1.25 : 1),
        updated_at: clock().toISOString(),
      };
      try {
        upsert.run(row);
      } catch (error) {
        if (!isForeignKeyViolation(error)) throw error;
        throw new CrewshipError('not_found', `workspace "${workspaceId}" not found`, { cause: error });
      }
      return toPrice(row);
    },
  };
}
