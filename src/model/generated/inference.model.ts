import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, BigIntColumn as BigIntColumn_, BooleanColumn as BooleanColumn_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_} from "@subsquid/typeorm-store"
import {Operator} from "./operator.model"
import {SettlementBatch} from "./settlementBatch.model"
import {Model} from "./model.model"
import {Account} from "./account.model"

/**
 * One settled inference request with every share of its fee.
 */
@Entity_()
export class Inference {
    constructor(props?: Partial<Inference>) {
        Object.assign(this, props)
    }

    /**
     * request id (operator << 64 | sequence), decimal
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Operator, {nullable: true, createForeignKeyConstraints: false})
    operator!: Operator

    @BigIntColumn_({nullable: false})
    seq!: bigint

    @Index_()
    @ManyToOne_(() => SettlementBatch, {nullable: true, createForeignKeyConstraints: false})
    batch!: SettlementBatch

    @Index_()
    @ManyToOne_(() => Model, {nullable: true, createForeignKeyConstraints: false})
    model!: Model

    @Index_()
    @ManyToOne_(() => Account, {nullable: true, createForeignKeyConstraints: false})
    payer!: Account

    @BooleanColumn_({nullable: false})
    payerIsAgent!: boolean

    @BigIntColumn_({nullable: false})
    units!: bigint

    @BigIntColumn_({nullable: false})
    fee!: bigint

    @BigIntColumn_({nullable: false})
    creatorShare!: bigint

    @BigIntColumn_({nullable: false})
    contributorsShare!: bigint

    @BigIntColumn_({nullable: false})
    infraShare!: bigint

    @BigIntColumn_({nullable: false})
    treasuryShare!: bigint

    @BigIntColumn_({nullable: false})
    burnShare!: bigint

    @IntColumn_({nullable: false})
    policyVersion!: number

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @Index_()
    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string

    @IntColumn_({nullable: false})
    logIndex!: number
}
