-- Fact tables: one per immutable event table of the Postgres record, same column names.
-- {db} is the database; {engine:KEY} becomes ReplacingMergeTree ORDER BY KEY on one node, or a
-- Replicated* engine under a Distributed table in cluster mode (src/warehouse/ddl.ts).
-- Amounts are UInt256 base units; (block_number, id) is the idempotent key.

CREATE TABLE IF NOT EXISTS {db}.token_transfer (
  id String, block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String,
  from_id String, to_id String, amount UInt256
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.burn (
  id String, block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String,
  from_id String, amount UInt256, source LowCardinality(String)
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.contribution (
  id String, datanet_id String, contributor_id String, content_hash String,
  block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.model_price_change (
  id String, model_id String, old_price Nullable(UInt256), new_price UInt256,
  block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.adapter_version (
  id String, model_id String, version UInt32, adapter_hash String,
  block_number UInt32, timestamp DateTime64(3, 'UTC')
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.settlement_batch (
  id String, operator_id String, first_seq UInt256, count UInt32, policy_version UInt32,
  total_fees UInt256, usage_log_head String, block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.inference (
  id String, operator_id String, seq UInt256, batch_id String, model_id String, payer_id String,
  payer_is_agent Bool, units UInt256, fee UInt256, creator_share UInt256, contributors_share UInt256,
  infra_share UInt256, treasury_share UInt256, burn_share UInt256, policy_version UInt32,
  block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String, log_index UInt32
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.escrow_movement (
  id String, escrow_id String, kind LowCardinality(String), amount UInt256, from_id Nullable(String),
  block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.creator_payout (
  id String, model_id String, creator_id String, amount UInt256,
  block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.operator_payout (
  id String, operator_id String, account_id String, amount UInt256,
  block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.attribution_epoch (
  id String, epoch UInt256, model_id String, pool UInt256, entries UInt32, weights_hash String,
  block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.attribution_payout (
  id String, epoch_id String, model_id String, contributor_id String, datanet_id String,
  weight UInt32, amount UInt256, block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.incentive_payment (
  id String, recipient_id String, role LowCardinality(String), bucket LowCardinality(String),
  amount UInt256, reason String, block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.bucket_transfer (
  id String, bucket LowCardinality(String), to_id String, amount UInt256, purpose String,
  block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.stake_event (
  id String, stake_id String, kind LowCardinality(String), amount Nullable(UInt256), interest Nullable(UInt256),
  block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.vesting_release (
  id String, schedule_id String, beneficiary_id String, category LowCardinality(String), amount UInt256,
  block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.agent_stake_change (
  id String, agent_id String, kind LowCardinality(String), amount UInt256, stake_after UInt256,
  block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

CREATE TABLE IF NOT EXISTS {db}.slash (
  id String, agent_id String, account_id String, reason UInt8, amount UInt256, to_treasury UInt256, to_burn UInt256,
  block_number UInt32, timestamp DateTime64(3, 'UTC'), tx_hash String
) {engine:(block_number, id)};

-- The sync journal: an 'intent' row before each Postgres commit, a 'done' row after the facts
-- are in. On start, anything after the last clean point is deleted and re-exported from Postgres.
CREATE TABLE IF NOT EXISTS {db}._sync (
  seq UInt64, kind LowCardinality(String), keep_up_to Int64, head Int64, at DateTime64(3, 'UTC')
) {engine:(seq)};
