-- Distinct payers per day as mergeable sets, so payers of a week, a month or any run of whole
-- days come from the daily aggregates (a count per day cannot be added up). Refreshed with
-- agg_daily; the INSERT fills it for data indexed before this migration.

CREATE TABLE IF NOT EXISTS {db}.agg_daily_payers (
  day Date, payers AggregateFunction(uniqExact, String)
) {engine:(day)};

INSERT INTO {db}.agg_daily_payers SELECT toDate(timestamp) AS day, uniqExactState(payer_id) FROM {db}.inference GROUP BY day;
