import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, BigIntColumn as BigIntColumn_, StringColumn as StringColumn_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_, OneToMany as OneToMany_} from "@subsquid/typeorm-store"
import {Account} from "./account.model"
import {Operator} from "./operator.model"
import {AgentStakeChange} from "./agentStakeChange.model"

/**
 * An AI agent staked in AgentRegistry. status: active | exiting | withdrawn
 */
@Entity_()
export class Agent {
    constructor(props?: Partial<Agent>) {
        Object.assign(this, props)
    }

    /**
     * agent id
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Account, {nullable: true})
    account!: Account

    @Index_()
    @ManyToOne_(() => Operator, {nullable: true})
    operator!: Operator

    @BigIntColumn_({nullable: false})
    stake!: bigint

    @StringColumn_({nullable: false})
    status!: string

    @IntColumn_({nullable: false})
    registeredAtBlock!: number

    @DateTimeColumn_({nullable: true})
    exitAvailableAt!: Date | undefined | null

    @IntColumn_({nullable: true})
    withdrawnAtBlock!: number | undefined | null

    @BigIntColumn_({nullable: false})
    slashedTotal!: bigint

    @OneToMany_(() => AgentStakeChange, e => e.agent)
    stakeChanges!: AgentStakeChange[]
}
