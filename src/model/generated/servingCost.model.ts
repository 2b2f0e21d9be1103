import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_} from "@subsquid/typeorm-store"
import {Operator} from "./operator.model"
import {Model} from "./model.model"

/**
 * The serving cost an operator measured and committed for one model's receipts of a settled batch (InferenceSettlement.ServingCostCommitted).
 */
@Entity_()
export class ServingCost {
    constructor(props?: Partial<ServingCost>) {
        Object.assign(this, props)
    }

    /**
     * <operator>-<first sequence>-<model>
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Operator, {nullable: true, createForeignKeyConstraints: false})
    operator!: Operator

    @Index_()
    @ManyToOne_(() => Model, {nullable: true, createForeignKeyConstraints: false})
    model!: Model

    @BigIntColumn_({nullable: false})
    firstSeq!: bigint

    /**
     * CPU microseconds the operator measured serving these receipts
     */
    @BigIntColumn_({nullable: false})
    cpuMicros!: bigint

    /**
     * adapter bytes resident x seconds while serving them
     */
    @BigIntColumn_({nullable: false})
    adapterByteSeconds!: bigint

    @IntColumn_({nullable: false})
    inferences!: number

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string
}
