import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, IntColumn as IntColumn_, BigIntColumn as BigIntColumn_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_} from "@subsquid/typeorm-store"
import {Agent} from "./agent.model"
import {Account} from "./account.model"

@Entity_()
export class Slash {
    constructor(props?: Partial<Slash>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Agent, {nullable: true, createForeignKeyConstraints: false})
    agent!: Agent

    @Index_()
    @ManyToOne_(() => Account, {nullable: true, createForeignKeyConstraints: false})
    account!: Account

    @IntColumn_({nullable: false})
    reason!: number

    @BigIntColumn_({nullable: false})
    amount!: bigint

    @BigIntColumn_({nullable: false})
    toTreasury!: bigint

    @BigIntColumn_({nullable: false})
    toBurn!: bigint

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @Index_()
    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string
}
