import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, BigIntColumn as BigIntColumn_, ManyToOne as ManyToOne_, Index as Index_, IntColumn as IntColumn_, StringColumn as StringColumn_, DateTimeColumn as DateTimeColumn_, OneToMany as OneToMany_} from "@subsquid/typeorm-store"
import {Model} from "./model.model"
import {AttributionPayout} from "./attributionPayout.model"

/**
 * One closed attribution epoch of one model (EpochClosed).
 */
@Entity_()
export class AttributionEpoch {
    constructor(props?: Partial<AttributionEpoch>) {
        Object.assign(this, props)
    }

    /**
     * <model>-<epoch>
     */
    @PrimaryColumn_()
    id!: string

    @BigIntColumn_({nullable: false})
    epoch!: bigint

    @Index_()
    @ManyToOne_(() => Model, {nullable: true, createForeignKeyConstraints: false})
    model!: Model

    @BigIntColumn_({nullable: false})
    pool!: bigint

    @IntColumn_({nullable: false})
    entries!: number

    @StringColumn_({nullable: false})
    weightsHash!: string

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @Index_()
    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string

    @OneToMany_(() => AttributionPayout, e => e.epoch)
    payouts!: AttributionPayout[]
}
