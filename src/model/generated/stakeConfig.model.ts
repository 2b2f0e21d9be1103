import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_, BooleanColumn as BooleanColumn_, IntColumn as IntColumn_} from "@subsquid/typeorm-store"

/**
 * A staking config; its parameters are read from the contract at the block of each change.
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

    @StringColumn_({nullable: false})
    bank!: string

    @StringColumn_({nullable: false})
    token!: string

    /**
     * WAD per year
     */
    @BigIntColumn_({nullable: false})
    interestRate!: bigint

    @BigIntColumn_({nullable: false})
    stakeDuration!: bigint

    @BigIntColumn_({nullable: false})
    cooldownDuration!: bigint

    @BigIntColumn_({nullable: false})
    minStake!: bigint

    @BigIntColumn_({nullable: false})
    maxStake!: bigint

    @BooleanColumn_({nullable: false})
    isActive!: boolean

    @BooleanColumn_({nullable: false})
    isTopupEnabled!: boolean

    @BooleanColumn_({nullable: false})
    isPublic!: boolean

    @IntColumn_({nullable: false})
    createdAtBlock!: number

    @IntColumn_({nullable: false})
    updatedAtBlock!: number

    @IntColumn_({nullable: false})
    changes!: number
}
