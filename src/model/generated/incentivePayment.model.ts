import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_} from "@subsquid/typeorm-store"
import {Account} from "./account.model"

/**
 * An emission paid by RewardsDistributor. role: creator|contributor|staker|operator|other; bucket: community|ecosystem.
 */
@Entity_()
export class IncentivePayment {
    constructor(props?: Partial<IncentivePayment>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Account, {nullable: true, createForeignKeyConstraints: false})
    recipient!: Account

    @Index_()
    @StringColumn_({nullable: false})
    role!: string

    @StringColumn_({nullable: false})
    bucket!: string

    @BigIntColumn_({nullable: false})
    amount!: bigint

    @StringColumn_({nullable: false})
    reason!: string

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @Index_()
    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string
}
