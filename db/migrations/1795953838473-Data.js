module.exports = class Data1795953838473 {
    name = 'Data1795953838473'

    async up(db) {
        await db.query(`CREATE TABLE "daily_operator_stats" ("id" character varying NOT NULL, "date" TIMESTAMP WITH TIME ZONE NOT NULL, "inferences" integer NOT NULL, "fees" numeric NOT NULL, "infra_share" numeric NOT NULL, "agent_fees" numeric NOT NULL, "paid_out" numeric NOT NULL, "operator_id" character varying, CONSTRAINT "PK_ff2c389a0e4bb10afec95d45eba" PRIMARY KEY ("id"))`)
        await db.query(`CREATE INDEX "IDX_ac8c795829548dcfd0f5fea7ca" ON "daily_operator_stats" ("operator_id") `)
        await db.query(`CREATE INDEX "IDX_42e61aada20651896494905198" ON "daily_operator_stats" ("date") `)
        await db.query(`ALTER TABLE "daily_operator_stats" ADD CONSTRAINT "FK_ac8c795829548dcfd0f5fea7ca7" FOREIGN KEY ("operator_id") REFERENCES "operator"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`)
    }

    async down(db) {
        await db.query(`DROP TABLE "daily_operator_stats"`)
        await db.query(`DROP INDEX "public"."IDX_ac8c795829548dcfd0f5fea7ca"`)
        await db.query(`DROP INDEX "public"."IDX_42e61aada20651896494905198"`)
        await db.query(`ALTER TABLE "daily_operator_stats" DROP CONSTRAINT "FK_ac8c795829548dcfd0f5fea7ca7"`)
    }
}
