import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, BigIntColumn as BigIntColumn_, StringColumn as StringColumn_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_, OneToMany as OneToMany_} from "@subsquid/typeorm-store"
import {StakeConfig} from "./stakeConfig.model"
import {Account} from "./account.model"
import {StakeEvent} from "./stakeEvent.model"
import {StakeAccrual} from "./stakeAccrual.model"

/**
 * status: committed | active | unstake_requested | unstaked
 */
@Entity_()
export class Stake {
    constructor(props?: Partial<Stake>) {
        Object.assign(this, props)
    }

    /**
     * staking id
     */
    @PrimaryColumn_()
    id!: string

    /**
     * from the stake() or requestUnstakeWithCommitment() call (null if made through another contract)
     */
    @Index_()
    @ManyToOne_(() => StakeConfig, {nullable: true})
    config!: StakeConfig | undefined | null

    /**
     * null while a commitment is not opened
     */
    @Index_()
    @ManyToOne_(() => Account, {nullable: true})
    staker!: Account | undefined | null

    /**
     * null: opened through another contract, the amount is not in the event (see docs/NETWORKS.md)
     */
    @BigIntColumn_({nullable: true})
    initialAmount!: bigint | undefined | null

    @BigIntColumn_({nullable: false})
    toppedUp!: bigint

    /**
     * initial amount plus top-ups: what the staker put in (null when initialAmount is)
     */
    @BigIntColumn_({nullable: true})
    principal!: bigint | undefined | null

    @Index_()
    @StringColumn_({nullable: false})
    status!: string

    @IntColumn_({nullable: false})
    stakedAtBlock!: number

    @DateTimeColumn_({nullable: false})
    stakedAt!: Date

    /**
     * the manager-signed commitment of a stake created by commitStake (CommitStake event)
     */
    @StringColumn_({nullable: true})
    commitment!: string | undefined | null

    @IntColumn_({nullable: true})
    requestedAtBlock!: number | undefined | null

    @IntColumn_({nullable: true})
    unstakedAtBlock!: number | undefined | null

    @DateTimeColumn_({nullable: true})
    unstakedAt!: Date | undefined | null

    /**
     * bank to staker transfer at unstake
     */
    @BigIntColumn_({nullable: true})
    payout!: bigint | undefined | null

    /**
     * payout minus principal (null when the principal is unknown)
     */
    @BigIntColumn_({nullable: true})
    interest!: bigint | undefined | null

    /**
     * the contract's stored amount (principal plus interest compounded at the last top-up) while the stake accrues; null when it does not (not opened, unstake requested, or its config's rate is unknown)
     */
    @BigIntColumn_({nullable: true})
    accrualAmount!: bigint | undefined | null

    /**
     * when the contract stored accrualAmount (its updatedAt)
     */
    @DateTimeColumn_({nullable: true})
    accrualAnchor!: Date | undefined | null

    /**
     * interest is booked in StakeAccrual up to here
     */
    @DateTimeColumn_({nullable: true})
    accruedTo!: Date | undefined | null

    /**
     * the stake's value at accruedTo as booked (the contract's calculateAmount then)
     */
    @BigIntColumn_({nullable: true})
    accruedValue!: bigint | undefined | null

    @OneToMany_(() => StakeEvent, e => e.stake)
    events!: StakeEvent[]

    @OneToMany_(() => StakeAccrual, e => e.stake)
    accruals!: StakeAccrual[]
}
