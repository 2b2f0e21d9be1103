import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, IntColumn as IntColumn_, BigIntColumn as BigIntColumn_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_} from "@subsquid/typeorm-store"
import {AttributionEpoch} from "./attributionEpoch.model"
import {Model} from "./model.model"
import {Account} from "./account.model"
import {Datanet} from "./datanet.model"

@Entity_()
export class AttributionPayout {
    constructor(props?: Partial<AttributionPayout>) {
        Object.assign(this, props)
    }

    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => AttributionEpoch, {nullable: true, createForeignKeyConstraints: false})
    epoch!: AttributionEpoch

    @Index_()
    @ManyToOne_(() => Model, {nullable: true, createForeignKeyConstraints: false})
    model!: Model

    @Index_()
    @ManyToOne_(() => Account, {nullable: true, createForeignKeyConstraints: false})
    contributor!: Account

    @Index_()
    @ManyToOne_(() => Datanet, {nullable: true, createForeignKeyConstraints: false})
    datanet!: Datanet

    /**
     * fixed point, scale 1e6
     */
    @IntColumn_({nullable: false})
    weight!: number

    @BigIntColumn_({nullable: false})
    amount!: bigint

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @Index_()
    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string
}
