import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_, StringColumn as StringColumn_, DateTimeColumn as DateTimeColumn_} from "@subsquid/typeorm-store"
import {Operator} from "./operator.model"

@Entity_()
export class SettlementBatch {
    constructor(props?: Partial<SettlementBatch>) {
        Object.assign(this, props)
    }

    /**
     * <operator>-<first sequence>
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Operator, {nullable: true, createForeignKeyConstraints: false})
    operator!: Operator

    @BigIntColumn_({nullable: false})
    firstSeq!: bigint

    @IntColumn_({nullable: false})
    count!: number

    @IntColumn_({nullable: false})
    policyVersion!: number

    @BigIntColumn_({nullable: false})
    totalFees!: bigint

    @StringColumn_({nullable: false})
    usageLogHead!: string

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string
}
