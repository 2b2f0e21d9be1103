module.exports = class Data1796078704370 {
    name = 'Data1796078704370'

    async up(db) {
        await db.query(`CREATE TABLE "stake_accrual" ("id" character varying NOT NULL, "kind" text NOT NULL, "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL, "until" TIMESTAMP WITH TIME ZONE NOT NULL, "value_from" numeric NOT NULL, "value_to" numeric NOT NULL, "block_number" integer NOT NULL, "stake_id" character varying, CONSTRAINT "PK_e6e17db20aa56cdd571f4ed09bb" PRIMARY KEY ("id"))`)
        await db.query(`CREATE INDEX "IDX_7d57ae59aaa03f8c93c5190626" ON "stake_accrual" ("stake_id") `)
        await db.query(`CREATE INDEX "IDX_3a4a32aa9082fa72022cca05e7" ON "stake_accrual" ("timestamp") `)
        await db.query(`CREATE INDEX "IDX_d5d97b166a009b6e8a24ccd082" ON "stake_accrual" ("block_number") `)
        await db.query(`ALTER TABLE "stake" ADD "accrual_amount" numeric`)
        await db.query(`ALTER TABLE "stake" ADD "accrual_anchor" TIMESTAMP WITH TIME ZONE`)
        await db.query(`ALTER TABLE "stake" ADD "accrued_to" TIMESTAMP WITH TIME ZONE`)
        await db.query(`ALTER TABLE "stake" ADD "accrued_value" numeric`)
        // an index written before holds the cash figure in staking_interest: keep it as the paid
        // figure (accruals need a re-index: the fold books them from the stake events)
        await db.query(`ALTER TABLE "daily_network_stats" ADD "staking_interest_paid" numeric NOT NULL DEFAULT 0`)
        await db.query(`UPDATE "daily_network_stats" SET "staking_interest_paid" = "staking_interest"`)
        await db.query(`ALTER TABLE "daily_network_stats" ALTER COLUMN "staking_interest_paid" DROP DEFAULT`)
    }

    async down(db) {
        await db.query(`DROP TABLE "stake_accrual"`)
        await db.query(`DROP INDEX "public"."IDX_7d57ae59aaa03f8c93c5190626"`)
        await db.query(`DROP INDEX "public"."IDX_3a4a32aa9082fa72022cca05e7"`)
        await db.query(`DROP INDEX "public"."IDX_d5d97b166a009b6e8a24ccd082"`)
        await db.query(`ALTER TABLE "stake" DROP COLUMN "accrual_amount"`)
        await db.query(`ALTER TABLE "stake" DROP COLUMN "accrual_anchor"`)
        await db.query(`ALTER TABLE "stake" DROP COLUMN "accrued_to"`)
        await db.query(`ALTER TABLE "stake" DROP COLUMN "accrued_value"`)
        await db.query(`ALTER TABLE "daily_network_stats" DROP COLUMN "staking_interest_paid"`)
    }
}
