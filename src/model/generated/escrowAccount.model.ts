import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, IntColumn as IntColumn_, Index as Index_, ManyToOne as ManyToOne_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"
import {Account} from "./account.model"

/**
 * A payer's escrow in InferenceSettlement.
 */
@Entity_()
export class EscrowAccount {
    constructor(props?: Partial<EscrowAccount>) {
        Object.assign(this, props)
    }

    /**
     * lowercase payer address
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @IntColumn_({nullable: false})
    payerId!: number

    @Index_()
    @ManyToOne_(() => Account, {nullable: true})
    account!: Account

    @BigIntColumn_({nullable: false})
    balance!: bigint

    @BigIntColumn_({nullable: false})
    deposited!: bigint

    @BigIntColumn_({nullable: false})
    withdrawn!: bigint

    @BigIntColumn_({nullable: false})
    spent!: bigint

    @BigIntColumn_({nullable: false})
    pendingWithdrawal!: bigint
}
