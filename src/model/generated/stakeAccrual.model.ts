import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, StringColumn as StringColumn_, DateTimeColumn as DateTimeColumn_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_} from "@subsquid/typeorm-store"
import {Stake} from "./stake.model"

/**
 * Interest a stake accrued over [timestamp, until), a span inside one UTC day, as the contract's own value of the stake moved (docs/METRICS.md, Staking interest): accrued = valueTo − valueFrom (negative only if a config update cut the rate). kind: accrual | residue (payout − the booked value, on the payout day; 0 when the mirror of the contract's maths is exact, so no row). A day's span is booked by the first indexed block after the day ends, or by the event that ends it.
 */
@Entity_()
export class StakeAccrual {
    constructor(props?: Partial<StakeAccrual>) {
        Object.assign(this, props)
    }

    /**
     * <stake id>-<from ms>-<until ms>-<kind>
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Stake, {nullable: true, createForeignKeyConstraints: false})
    stake!: Stake

    @StringColumn_({nullable: false})
    kind!: string

    @Index_()
    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @DateTimeColumn_({nullable: false})
    until!: Date

    @BigIntColumn_({nullable: false})
    valueFrom!: bigint

    @BigIntColumn_({nullable: false})
    valueTo!: bigint

    /**
     * the block that booked it (a fork above it removes it)
     */
    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number
}
