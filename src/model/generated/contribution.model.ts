import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, StringColumn as StringColumn_, IntColumn as IntColumn_, DateTimeColumn as DateTimeColumn_} from "@subsquid/typeorm-store"
import {Datanet} from "./datanet.model"
import {Account} from "./account.model"

@Entity_()
export class Contribution {
    constructor(props?: Partial<Contribution>) {
        Object.assign(this, props)
    }

    /**
     * contribution id
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Datanet, {nullable: true, createForeignKeyConstraints: false})
    datanet!: Datanet

    @Index_()
    @ManyToOne_(() => Account, {nullable: true, createForeignKeyConstraints: false})
    contributor!: Account

    @Index_()
    @StringColumn_({nullable: false})
    contentHash!: string

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @Index_()
    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string
}
