import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, IntColumn as IntColumn_, Index as Index_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_} from "@subsquid/typeorm-store"

/**
 * A FeePolicy version and the block range it was in force.
 */
@Entity_()
export class FeePolicyVersion {
    constructor(props?: Partial<FeePolicyVersion>) {
        Object.assign(this, props)
    }

    /**
     * version number
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @IntColumn_({nullable: false})
    version!: number

    @IntColumn_({nullable: false})
    creatorBps!: number

    @IntColumn_({nullable: false})
    contributorsBps!: number

    @IntColumn_({nullable: false})
    infraBps!: number

    @IntColumn_({nullable: false})
    treasuryBps!: number

    @IntColumn_({nullable: false})
    burnBps!: number

    @IntColumn_({nullable: false})
    blockNumber!: number

    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string

    /**
     * position of the FeePolicySet log in its block: a batch settled earlier in that block used the previous version
     */
    @IntColumn_({nullable: true})
    logIndex!: number | undefined | null

    /**
     * block in which the next version took effect (this one applies to settlements before that log; null while current)
     */
    @IntColumn_({nullable: true})
    activeUntilBlock!: number | undefined | null
}
