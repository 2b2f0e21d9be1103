import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, IntColumn as IntColumn_, Index as Index_, DateTimeColumn as DateTimeColumn_, BigIntColumn as BigIntColumn_} from "@subsquid/typeorm-store"

/**
 * Native gas fees of one block, in base units of the chain's native token (OPEN on OpenLedger): gas used × effective gas price plus, on OP Stack, each receipt's L1 data fee. Deposit transactions (type 0x7e) pay no L2 gas and are not counted.
 */
@Entity_()
export class NetworkFeeBlock {
    constructor(props?: Partial<NetworkFeeBlock>) {
        Object.assign(this, props)
    }

    /**
     * block number, 10 digits
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @Index_()
    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @IntColumn_({nullable: false})
    txCount!: number

    @BigIntColumn_({nullable: false})
    gasUsed!: bigint

    /**
     * Σ gasUsed × effectiveGasPrice
     */
    @BigIntColumn_({nullable: false})
    executionFees!: bigint

    /**
     * Σ l1Fee (null: not an OP Stack chain)
     */
    @BigIntColumn_({nullable: true})
    l1Fees!: bigint | undefined | null

    /**
     * executionFees + l1Fees
     */
    @BigIntColumn_({nullable: false})
    fees!: bigint
}
