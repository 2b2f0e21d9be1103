import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_} from "@subsquid/typeorm-store"
import {Stake} from "./stake.model"

/**
 * kind: committed (CommitStake) | opened (a commitment opened by requestUnstakeWithCommitment: amount) | staked | topped_up | unstake_requested | unstaked
 */
@Entity_()
export class StakeEvent {
    constructor(props?: Partial<StakeEvent>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Stake, {nullable: true, createForeignKeyConstraints: false})
    stake!: Stake

    @StringColumn_({nullable: false})
    kind!: string

    @BigIntColumn_({nullable: true})
    amount!: bigint | undefined | null

    /**
     * on unstaked: payout minus principal
     */
    @BigIntColumn_({nullable: true})
    interest!: bigint | undefined | null

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @Index_()
    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string
}
