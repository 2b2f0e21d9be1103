module.exports = class Data1795486274872 {
    name = 'Data1795486274872'

    async up(db) {
        await db.query(`ALTER TABLE "fee_policy_version" ADD "log_index" integer`)
    }

    async down(db) {
        await db.query(`ALTER TABLE "fee_policy_version" DROP COLUMN "log_index"`)
    }
}
