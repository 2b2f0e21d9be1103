import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, StringColumn as StringColumn_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_} from "@subsquid/typeorm-store"
import {EscrowAccount} from "./escrowAccount.model"
import {Account} from "./account.model"

/**
 * deposit, withdrawal_request or withdrawal
 */
@Entity_()
export class EscrowMovement {
    constructor(props?: Partial<EscrowMovement>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => EscrowAccount, {nullable: true, createForeignKeyConstraints: false})
    escrow!: EscrowAccount

    @StringColumn_({nullable: false})
    kind!: string

    @BigIntColumn_({nullable: false})
    amount!: bigint

    @Index_()
    @ManyToOne_(() => Account, {nullable: true, createForeignKeyConstraints: false})
    from!: Account | undefined | null

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string
}
