import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, IntColumn as IntColumn_, StringColumn as StringColumn_, DateTimeColumn as DateTimeColumn_} from "@subsquid/typeorm-store"
import {Model} from "./model.model"

@Entity_()
export class AdapterVersion {
    constructor(props?: Partial<AdapterVersion>) {
        Object.assign(this, props)
    }

    /**
     * <model>-<version>
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Model, {nullable: true, createForeignKeyConstraints: false})
    model!: Model

    @IntColumn_({nullable: false})
    version!: number

    @StringColumn_({nullable: false})
    adapterHash!: string

    @IntColumn_({nullable: false})
    blockNumber!: number

    @DateTimeColumn_({nullable: false})
    timestamp!: Date
}
