import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, BigIntColumn as BigIntColumn_, BooleanColumn as BooleanColumn_, IntColumn as IntColumn_} from "@subsquid/typeorm-store"

/**
 * An address seen in any protocol event, with its OPEN balance folded from Transfer events.
 */
@Entity_()
export class Account {
    constructor(props?: Partial<Account>) {
        Object.assign(this, props)
    }

    /**
     * lowercase 0x address
     */
    @PrimaryColumn_()
    id!: string

    @BigIntColumn_({nullable: false})
    balance!: bigint

    @BigIntColumn_({nullable: false})
    totalReceived!: bigint

    @BigIntColumn_({nullable: false})
    totalSent!: bigint

    @BooleanColumn_({nullable: false})
    isCreator!: boolean

    @BooleanColumn_({nullable: false})
    isContributor!: boolean

    @BooleanColumn_({nullable: false})
    isPayer!: boolean

    @BooleanColumn_({nullable: false})
    isOperator!: boolean

    @BooleanColumn_({nullable: false})
    isStaker!: boolean

    @BooleanColumn_({nullable: false})
    isAgent!: boolean

    @BooleanColumn_({nullable: false})
    isVestingBeneficiary!: boolean

    @IntColumn_({nullable: false})
    firstSeenBlock!: number
}
