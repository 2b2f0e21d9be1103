import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_, BooleanColumn as BooleanColumn_, IntColumn as IntColumn_} from "@subsquid/typeorm-store"

/**
 * A staking config. Its events carry only the id: the parameters come from the setConfig call that emitted them (null if it was made through another contract).
 */
@Entity_()
export class StakeConfig {
    constructor(props?: Partial<StakeConfig>) {
        Object.assign(this, props)
    }

    /**
     * config id
     */
    @PrimaryColumn_()
    id!: string

    /**
     * follows setConfig: an update may replace the bank
     */
    @StringColumn_({nullable: true})
    bank!: string | undefined | null

    @StringColumn_({nullable: true})
    manager!: string | undefined | null

    @StringColumn_({nullable: true})
    token!: string | undefined | null

    /**
     * WAD per year
     */
    @BigIntColumn_({nullable: true})
    interestRate!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    stakeDuration!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    cooldownDuration!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    minStake!: bigint | undefined | null

    @BigIntColumn_({nullable: true})
    maxStake!: bigint | undefined | null

    @BooleanColumn_({nullable: true})
    isActive!: boolean | undefined | null

    @BooleanColumn_({nullable: true})
    isTopupEnabled!: boolean | undefined | null

    @BooleanColumn_({nullable: true})
    isPublic!: boolean | undefined | null

    @IntColumn_({nullable: false})
    createdAtBlock!: number

    @IntColumn_({nullable: false})
    updatedAtBlock!: number

    @IntColumn_({nullable: false})
    changes!: number
}
