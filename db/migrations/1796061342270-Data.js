module.exports = class Data1796061342270 {
    name = 'Data1796061342270'

    async up(db) {
        await db.query(`CREATE TABLE "serving_cost" ("id" character varying NOT NULL, "first_seq" numeric NOT NULL, "cpu_micros" numeric NOT NULL, "adapter_byte_seconds" numeric NOT NULL, "inferences" integer NOT NULL, "block_number" integer NOT NULL, "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL, "tx_hash" text NOT NULL, "operator_id" character varying, "model_id" character varying, CONSTRAINT "PK_8438d9b6e268e091fc28619fce4" PRIMARY KEY ("id"))`)
        await db.query(`CREATE INDEX "IDX_ec46a382f83ab26326cdb362de" ON "serving_cost" ("operator_id") `)
        await db.query(`CREATE INDEX "IDX_9151a106025c280266d7202f5d" ON "serving_cost" ("model_id") `)
        await db.query(`CREATE INDEX "IDX_dade96d372d696f4ea66ce49ed" ON "serving_cost" ("block_number") `)
        await db.query(`CREATE TABLE "adapter_cost_declaration" ("id" character varying NOT NULL, "adapter_version" integer NOT NULL, "micro_usd_per_month" numeric NOT NULL, "block_number" integer NOT NULL, "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL, "tx_hash" text NOT NULL, "model_id" character varying, CONSTRAINT "PK_5df129619a0d0e12fb673467dd2" PRIMARY KEY ("id"))`)
        await db.query(`CREATE INDEX "IDX_7dcac9566fa76102bd41521a18" ON "adapter_cost_declaration" ("model_id") `)
        await db.query(`CREATE INDEX "IDX_835147bba646cf0e81781bb5d6" ON "adapter_cost_declaration" ("block_number") `)
    }

    async down(db) {
        await db.query(`DROP TABLE "serving_cost"`)
        await db.query(`DROP INDEX "public"."IDX_ec46a382f83ab26326cdb362de"`)
        await db.query(`DROP INDEX "public"."IDX_9151a106025c280266d7202f5d"`)
        await db.query(`DROP INDEX "public"."IDX_dade96d372d696f4ea66ce49ed"`)
        await db.query(`DROP TABLE "adapter_cost_declaration"`)
        await db.query(`DROP INDEX "public"."IDX_7dcac9566fa76102bd41521a18"`)
        await db.query(`DROP INDEX "public"."IDX_835147bba646cf0e81781bb5d6"`)
    }
}
