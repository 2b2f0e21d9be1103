import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_} from "@subsquid/typeorm-store"
import {Agent} from "./agent.model"

/**
 * kind: registered | topped_up | exit_requested | slashed | withdrawn; stakeAfter is the agent's stake after it.
 */
@Entity_()
export class AgentStakeChange {
    constructor(props?: Partial<AgentStakeChange>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Agent, {nullable: true, createForeignKeyConstraints: false})
    agent!: Agent

    @StringColumn_({nullable: false})
    kind!: string

    @BigIntColumn_({nullable: false})
    amount!: bigint

    @BigIntColumn_({nullable: false})
    stakeAfter!: bigint

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @Index_()
    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string
}
