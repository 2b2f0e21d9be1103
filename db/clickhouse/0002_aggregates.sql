-- Aggregates refreshed by the indexer for every day a batch touches (delete + insert of those
-- days, so a reorg that empties a day leaves no stale row). Read them for daily series.

CREATE TABLE IF NOT EXISTS {db}.agg_daily (
  day Date, inferences UInt64, units UInt256, fees UInt256, creator_share UInt256, contributors_share UInt256,
  infra_share UInt256, treasury_share UInt256, burn_share UInt256, agent_fees UInt256, payers UInt64
) {engine:(day)};

CREATE TABLE IF NOT EXISTS {db}.agg_model_daily (
  day Date, model_id String, inferences UInt64, units UInt256, fees UInt256,
  creator_share UInt256, contributors_share UInt256
) {engine:(day, model_id)};
