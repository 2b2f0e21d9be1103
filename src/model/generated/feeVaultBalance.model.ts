import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, StringColumn as StringColumn_, Index as Index_, BigIntColumn as BigIntColumn_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_} from "@subsquid/typeorm-store"

/**
 * An OP Stack fee vault's native balance at the last block of an indexed batch (eth_getBalance at that block).
 */
@Entity_()
export class FeeVaultBalance {
    constructor(props?: Partial<FeeVaultBalance>) {
        Object.assign(this, props)
    }

    /**
     * <block, 10 digits>-<vault>
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @StringColumn_({nullable: false})
    vault!: string

    @BigIntColumn_({nullable: false})
    balance!: bigint

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @Index_()
    @DateTimeColumn_({nullable: false})
    timestamp!: Date
}
