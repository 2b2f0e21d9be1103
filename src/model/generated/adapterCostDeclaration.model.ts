import {Entity as Entity_, Column as Column_, PrimaryColumn as PrimaryColumn_, ManyToOne as ManyToOne_, Index as Index_, IntColumn as IntColumn_, BigIntColumn as BigIntColumn_, DateTimeColumn as DateTimeColumn_, StringColumn as StringColumn_} from "@subsquid/typeorm-store"
import {Model} from "./model.model"

/**
 * A model owner's declared monthly maintenance cost of an adapter version (ModelRegistry.AdapterCostDeclared).
 */
@Entity_()
export class AdapterCostDeclaration {
    constructor(props?: Partial<AdapterCostDeclaration>) {
        Object.assign(this, props)
    }

    /**
     * log id
     */
    @PrimaryColumn_()
    id!: string

    @Index_()
    @ManyToOne_(() => Model, {nullable: true, createForeignKeyConstraints: false})
    model!: Model

    @IntColumn_({nullable: false})
    adapterVersion!: number

    @BigIntColumn_({nullable: false})
    microUsdPerMonth!: bigint

    @Index_()
    @IntColumn_({nullable: false})
    blockNumber!: number

    @DateTimeColumn_({nullable: false})
    timestamp!: Date

    @StringColumn_({nullable: false})
    txHash!: string
}
