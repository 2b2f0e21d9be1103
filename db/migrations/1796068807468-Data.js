module.exports = class Data1796068807468 {
    name = 'Data1796068807468'

    async up(db) {
        await db.query(`CREATE TABLE "network_fee_block" ("id" character varying NOT NULL, "block_number" integer NOT NULL, "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL, "tx_count" integer NOT NULL, "gas_used" numeric NOT NULL, "execution_fees" numeric NOT NULL, "l1_fees" numeric, "fees" numeric NOT NULL, CONSTRAINT "PK_fcb2e24dfd38ffdf1bc5bf621e1" PRIMARY KEY ("id"))`)
        await db.query(`CREATE INDEX "IDX_b9117ad5d42c60bb7baf6bc18a" ON "network_fee_block" ("block_number") `)
        await db.query(`CREATE INDEX "IDX_86647e543a882b94bbcb1a2436" ON "network_fee_block" ("timestamp") `)
        await db.query(`CREATE TABLE "daily_network_fees" ("id" character varying NOT NULL, "date" TIMESTAMP WITH TIME ZONE NOT NULL, "tx_count" integer NOT NULL, "gas_used" numeric NOT NULL, "execution_fees" numeric NOT NULL, "l1_fees" numeric, "fees" numeric NOT NULL, "active_senders" integer NOT NULL, CONSTRAINT "PK_0fd6b24defcaaf21701f6c3ecb3" PRIMARY KEY ("id"))`)
        await db.query(`CREATE INDEX "IDX_70db10616e02868eb2078df7d9" ON "daily_network_fees" ("date") `)
        await db.query(`CREATE TABLE "daily_active_sender" ("id" character varying NOT NULL, "date" TIMESTAMP WITH TIME ZONE NOT NULL, "sender" text NOT NULL, CONSTRAINT "PK_e9e377900284eed5a91c4c27545" PRIMARY KEY ("id"))`)
        await db.query(`CREATE INDEX "IDX_c6b45d136a2e2bf9b056309e79" ON "daily_active_sender" ("date") `)
        await db.query(`CREATE INDEX "IDX_bf329835f2f664373110194a3f" ON "daily_active_sender" ("sender") `)
        await db.query(`CREATE TABLE "fee_vault_withdrawal" ("id" character varying NOT NULL, "vault" text NOT NULL, "amount" numeric NOT NULL, "to" text NOT NULL, "block_number" integer NOT NULL, "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL, "tx_hash" text NOT NULL, CONSTRAINT "PK_b625dfa7011da8e29987ec78e2a" PRIMARY KEY ("id"))`)
        await db.query(`CREATE INDEX "IDX_6edb348c3e86096fd8821e1d93" ON "fee_vault_withdrawal" ("vault") `)
        await db.query(`CREATE INDEX "IDX_5d274beecde08fbbe10e3cceca" ON "fee_vault_withdrawal" ("block_number") `)
        await db.query(`CREATE INDEX "IDX_eb35800911bf32b224467eac88" ON "fee_vault_withdrawal" ("timestamp") `)
        await db.query(`CREATE TABLE "fee_vault_balance" ("id" character varying NOT NULL, "vault" text NOT NULL, "balance" numeric NOT NULL, "block_number" integer NOT NULL, "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_6acab41ef4a5ec25a34de86d1d6" PRIMARY KEY ("id"))`)
        await db.query(`CREATE INDEX "IDX_994f1e9ccc4a15ecdf884b1b75" ON "fee_vault_balance" ("vault") `)
        await db.query(`CREATE INDEX "IDX_0658daf9fc858f1b4776d8c9bd" ON "fee_vault_balance" ("block_number") `)
        await db.query(`CREATE INDEX "IDX_8e9f110f8ad7445af65747dd20" ON "fee_vault_balance" ("timestamp") `)
        await db.query(`ALTER TABLE "stake_config" ADD "manager" text`)
        await db.query(`ALTER TABLE "stake" ADD "commitment" text`)
        await db.query(`ALTER TABLE "stake" ALTER COLUMN "initial_amount" DROP NOT NULL`)
        await db.query(`ALTER TABLE "stake" ALTER COLUMN "principal" DROP NOT NULL`)
    }

    async down(db) {
        await db.query(`DROP TABLE "network_fee_block"`)
        await db.query(`DROP INDEX "public"."IDX_b9117ad5d42c60bb7baf6bc18a"`)
        await db.query(`DROP INDEX "public"."IDX_86647e543a882b94bbcb1a2436"`)
        await db.query(`DROP TABLE "daily_network_fees"`)
        await db.query(`DROP INDEX "public"."IDX_70db10616e02868eb2078df7d9"`)
        await db.query(`DROP TABLE "daily_active_sender"`)
        await db.query(`DROP INDEX "public"."IDX_c6b45d136a2e2bf9b056309e79"`)
        await db.query(`DROP INDEX "public"."IDX_bf329835f2f664373110194a3f"`)
        await db.query(`DROP TABLE "fee_vault_withdrawal"`)
        await db.query(`DROP INDEX "public"."IDX_6edb348c3e86096fd8821e1d93"`)
        await db.query(`DROP INDEX "public"."IDX_5d274beecde08fbbe10e3cceca"`)
        await db.query(`DROP INDEX "public"."IDX_eb35800911bf32b224467eac88"`)
        await db.query(`DROP TABLE "fee_vault_balance"`)
        await db.query(`DROP INDEX "public"."IDX_994f1e9ccc4a15ecdf884b1b75"`)
        await db.query(`DROP INDEX "public"."IDX_0658daf9fc858f1b4776d8c9bd"`)
        await db.query(`DROP INDEX "public"."IDX_8e9f110f8ad7445af65747dd20"`)
        await db.query(`ALTER TABLE "stake_config" DROP COLUMN "manager"`)
        await db.query(`ALTER TABLE "stake" DROP COLUMN "commitment"`)
        await db.query(`ALTER TABLE "stake" ALTER COLUMN "initial_amount" SET NOT NULL`)
        await db.query(`ALTER TABLE "stake" ALTER COLUMN "principal" SET NOT NULL`)
    }
}
