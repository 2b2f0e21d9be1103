import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, DateTimeColumn as DateTimeColumn_, Index as Index_, IntColumn as IntColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"

/**
 * Network totals per UTC day, folded from the events of that day.
 */
@Entity_()
export class DailyNetworkStats {
    constructor(props?: Partial<DailyNetworkStats>) {
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
    inferences!: number

    @BigIntColumn_({nullable: false})
    units!: bigint

    @BigIntColumn_({nullable: false})
    fees!: bigint

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

    @BigIntColumn_({nullable: false})
    agentFees!: bigint

    @BigIntColumn_({nullable: false})
    attributionPaid!: bigint

    @BigIntColumn_({nullable: false})
    creatorPaid!: bigint

    @BigIntColumn_({nullable: false})
    operatorPaid!: bigint

    @BigIntColumn_({nullable: false})
    incentives!: bigint

    @BigIntColumn_({nullable: false})
    incentivesToCreators!: bigint

    @BigIntColumn_({nullable: false})
    incentivesToContributors!: bigint

    @BigIntColumn_({nullable: false})
    incentivesToStakers!: bigint

    @BigIntColumn_({nullable: false})
    incentivesToOperators!: bigint

    /**
     * staking interest accrued in the day (StakeAccrual), signed
     */
    @BigIntColumn_({nullable: false})
    stakingInterest!: bigint

    /**
     * staking interest paid out in the day: payout − principal of the stakes unstaked (cash basis)
     */
    @BigIntColumn_({nullable: false})
    stakingInterestPaid!: bigint

    @BigIntColumn_({nullable: false})
    vestingReleased!: bigint

    @BigIntColumn_({nullable: false})
    burned!: bigint

    @BigIntColumn_({nullable: false})
    deploymentFees!: bigint

    @BigIntColumn_({nullable: false})
    slashed!: bigint

    @IntColumn_({nullable: false})
    contributions!: number

    @IntColumn_({nullable: false})
    modelsRegistered!: number
}
