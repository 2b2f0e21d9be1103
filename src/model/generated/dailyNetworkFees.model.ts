import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, DateTimeColumn as DateTimeColumn_, Index as Index_, IntColumn as IntColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"

/**
 * Native gas fees per UTC day (see NetworkFeeBlock).
 */
@Entity_()
export class DailyNetworkFees {
    constructor(props?: Partial<DailyNetworkFees>) {
        Object.assign(this, props)
    }

    /**
     * YYYY-MM-DD
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @DateTimeColumn_({nullable: false})
    date!: Date

    @IntColumn_({nullable: false})
    txCount!: number

    @BigIntColumn_({nullable: false})
    gasUsed!: bigint

    @BigIntColumn_({nullable: false})
    executionFees!: bigint

    @BigIntColumn_({nullable: true})
    l1Fees!: bigint | undefined | null

    @BigIntColumn_({nullable: false})
    fees!: bigint

    /**
     * distinct senders of fee-paying transactions that day
     */
    @IntColumn_({nullable: false})
    activeSenders!: number
}
