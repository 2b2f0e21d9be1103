import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, DateTimeColumn as DateTimeColumn_, IntColumn as IntColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"
import {Operator} from "./operator.model"

/**
 * Per operator and UTC day: inferences served, their fees and infrastructure share, agent spend among them, and payouts claimed.
 */
@Entity_()
export class DailyOperatorStats {
    constructor(props?: Partial<DailyOperatorStats>) {
        Object.assign(this, props)
    }

    /**
     * <operator id>-<YYYY-MM-DD>
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Operator, {nullable: true})
    operator!: Operator

    @Index_()
    @DateTimeColumn_({nullable: false})
    date!: Date

    @IntColumn_({nullable: false})
    inferences!: number

    @BigIntColumn_({nullable: false})
    fees!: bigint

    @BigIntColumn_({nullable: false})
    infraShare!: bigint

    @BigIntColumn_({nullable: false})
    agentFees!: bigint

    @BigIntColumn_({nullable: false})
    paidOut!: bigint
}
